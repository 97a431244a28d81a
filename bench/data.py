"""Data-pipeline speed: prepare (cold and cached), tokenize per representation, MIDI reading.

    python bench/data.py                                  # 50 chorales, 200 MIDI files, all cores
    python bench/data.py --limit 20 --midi-files 100 --workers 1
    python bench/data.py --corpus folk --limit 200 --cache /tmp/tscache

Prints a Markdown table and writes nothing into the repository. Prepared corpora go to a temporary
cache (deleted at the end) unless `--cache DIR` is given, so the user's own cache is never touched.

- prepare, cold: `tunesmith.data.prepare.prepare(..., force=True)` on the first `--limit` pieces of each
  corpus: music21 parsing on `--workers` processes, key estimation, writing the cache folder. music21 is
  imported before the clock starts (a one-off second that a full corpus amortizes).
- prepare, cached: `Corpus.load` of the prepared folder plus rebuilding every Score from the memory-mapped
  note array (what a training run or `tunesmith data tokenize` pays); best of `--repeat`.
- tokenize: `tunesmith.data.tokenize.encode_piece` (normalize, conditioning, encode; no transposition) of
  every prepared piece, in this process, for each representation registered in
  `tunesmith.representation.REPRESENTATIONS`.
- MIDI read: `--midi-files` files written from the prepared pieces (cycling through them when there are
  fewer pieces than files), read with `tunesmith.io.read_midi`, with `symusic.Score` alone (the parse that
  read_midi starts with: its ceiling) and with `pretty_midi.PrettyMIDI`, alternately, best of `--repeat`.
  The ratios come from the same run, so they compare like with like.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import shutil
import sys
import tempfile
import time
import warnings
from pathlib import Path


def machine() -> str:
    """CPU model, cores, load, Python and library versions, date: one line."""
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        model = platform.processor() or model
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    from importlib.metadata import PackageNotFoundError, version

    libs = []
    for name in ("numpy", "symusic", "music21", "pretty_midi"):
        try:
            libs.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            libs.append(f"{name} -")
    now = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    # on a shared machine the load says how far to trust the numbers
    load = f"load average {os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else "load unknown"
    return (f"{model}, {os.cpu_count()} cores ({usable} usable), {load}; Python {platform.python_version()}; "
            f"{', '.join(libs)}; {now}")


def best_of(repeat: int, fn):
    """(fastest wall time in seconds, the result of the last call)."""
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


class Table:
    """Markdown rows of: stage, what, items, seconds, items/s, notes/s or tokens/s, note."""

    def __init__(self):
        self.rows: list[tuple[str, ...]] = []

    def add(self, stage: str, what: str, n: int, seconds: float, unit: str = "pieces",
            extra: tuple[int, str] | None = None, note: str = ""):
        rate = f"{n / seconds:,.1f}" if seconds > 0 else "-"
        more = f"{extra[0] / seconds:,.0f} {extra[1]}/s" if extra and seconds > 0 else ""
        self.rows.append((stage, what, f"{n:,} {unit}", f"{seconds:.3f}", rate, more, note))

    def skip(self, stage: str, what: str, why: str):
        self.rows.append((stage, what, "-", "-", "-", "-", why))

    def markdown(self) -> str:
        head = ("stage", "what", "items", "seconds", "items/s", "notes/s or tokens/s", "note")
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        lines += ["| " + " | ".join(r) + " |" for r in self.rows]
        return "\n".join(lines)


def bench_prepare(table: Table, args, root: Path):
    import music21.converter  # noqa: F401  imported once before timing, as a long prepare amortizes it

    import tunesmith.theory.keys  # noqa: F401
    from tunesmith.data.cache import Corpus
    from tunesmith.data.prepare import prepare

    seconds, corpora = best_of(1, lambda: prepare(args.corpus, root=root, limit=args.limit, force=True,
                                                  workers=args.workers, progress=False))
    pieces = sum(len(c) for c in corpora)
    notes = sum(r["notes"] for c in corpora for r in c.records)
    failed = sum(len(c.failures) for c in corpora)
    workers = args.workers or os.cpu_count()
    table.add("prepare", f"cold: parse {args.corpus} (--force)", pieces, seconds, extra=(notes, "notes"),
              note=f"{workers} worker process(es); {failed} failed")

    def load_all():
        loaded = [Corpus.load(c.folder) for c in corpora]
        return [s for c in loaded for _, s in c.scores()]

    seconds, scores = best_of(args.repeat, load_all)
    table.add("prepare", "cached: Corpus.load + every Score", len(scores), seconds,
              extra=(sum(s.note_count for s in scores), "notes"), note=f"best of {args.repeat}")
    return corpora


def bench_tokenize(table: Table, args, corpora):
    try:
        from tunesmith.representation import REPRESENTATIONS, get_tokenizer
    except ImportError as e:
        table.skip("tokenize", "-", f"no representation registry yet ({e})")
        return
    from tunesmith.data.tokenize import encode_piece

    scores = [s for c in corpora for _, s in c.scores()]
    names = args.representations.split(",") if args.representations else list(REPRESENTATIONS)
    for name in names:
        try:
            tok = get_tokenizer(name)
        except Exception as e:  # a representation being written right now must not stop the benchmark
            table.skip("tokenize", name, f"cannot build: {type(e).__name__}: {e}"[:120])
            continue
        failed, tokens = 0, 0
        t0 = time.perf_counter()
        for s in scores:
            try:
                tokens += sum(len(ids) for _, ids in encode_piece(tok, s, [0]))
            except Exception:  # counted, as `tunesmith data tokenize` does
                failed += 1
        seconds = time.perf_counter() - t0
        table.add("tokenize", f"{name} (vocab {len(tok.vocab)})", len(scores) - failed, seconds,
                  extra=(tokens, "tokens"), note=f"1 process; {failed} failed" if failed else "1 process")


def bench_midi_read(table: Table, args, corpora, folder: Path):
    from tunesmith.io import read_midi, write_midi

    scores = [s for c in corpora for _, s in c.scores()]
    if not scores:
        table.skip("MIDI read", "-", "no prepared pieces to write")
        return
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(args.midi_files):
        paths.append(folder / f"{i:04d}.mid")
        write_midi(scores[i % len(scores)], paths[-1])
    size = sum(p.stat().st_size for p in paths)
    notes = sum(scores[i % len(scores)].note_count for i in range(len(paths)))
    try:
        import pretty_midi
    except ImportError:
        pretty_midi = None

    import symusic

    readers = {
        "tunesmith.io.read_midi": lambda: [read_midi(p) for p in paths],
        # the parse alone, into symusic's own objects: the ceiling for read_midi, which converts them
        "symusic.Score (parse only)": lambda: [symusic.Score(str(p)) for p in paths],
    }
    if pretty_midi is not None:
        readers["pretty_midi.PrettyMIDI"] = lambda: [pretty_midi.PrettyMIDI(str(p)) for p in paths]
    # alternate the readers so that none gets a warmer file cache or CPU than the others
    best = dict.fromkeys(readers, float("inf"))
    for _ in range(args.repeat):
        for name, read in readers.items():
            best[name] = min(best[name], best_of(1, read)[0])
    what = f"{len(paths)} files, {size / 1024:,.0f} KiB"
    for name, seconds in best.items():
        table.add("MIDI read", f"{name}: {what}", len(paths), seconds, unit="files",
                  extra=(notes, "notes"), note=f"best of {args.repeat}")
    if pretty_midi is None:
        table.skip("MIDI read", "pretty_midi.PrettyMIDI", "pretty_midi is not installed")
        return
    for name in ("tunesmith.io.read_midi", "symusic.Score (parse only)"):
        table.rows.append(("MIDI read", f"ratio {name.split(' ')[0]} / PrettyMIDI (files/s)", "-", "-",
                           f"{best['pretty_midi.PrettyMIDI'] / best[name]:.1f}x", "", "same run"))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", default="chorales", help="built-in corpora or a group (default chorales)")
    parser.add_argument("--limit", type=int, default=50, help="first N pieces of each corpus (default 50)")
    parser.add_argument("--workers", type=int, help="processes for the cold prepare (default: all cores)")
    parser.add_argument("--representations", help="comma-separated (default: every registered one)")
    parser.add_argument("--midi-files", type=int, default=200, help="MIDI files to write, then read (200)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of the fast stages; the best counts")
    parser.add_argument("--cache", type=Path, default=None,
                        help="prepare into this cache folder (default: a temporary one, deleted afterwards)")
    args = parser.parse_args(argv)
    if args.limit < 1 or args.midi_files < 1 or args.repeat < 1:
        parser.error("--limit, --midi-files and --repeat must be at least 1")
    warnings.filterwarnings("ignore")  # music21's warnings on odd encodings are not what is measured

    tmp = Path(tempfile.mkdtemp(prefix="tunesmith-bench-"))
    root = args.cache or tmp / "cache"
    os.environ["TUNESMITH_CACHE"] = str(root)  # anything that asks cache_root() gets the bench cache too
    table = Table()
    try:
        corpora = bench_prepare(table, args, root)
        bench_tokenize(table, args, corpora)
        bench_midi_read(table, args, corpora, tmp / "midi")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"tunesmith data benchmark: --corpus {args.corpus} --limit {args.limit} "
          f"--midi-files {args.midi_files}\n")
    print(f"Machine: {machine()}\n")
    print(table.markdown())
    return 0


if __name__ == "__main__":
    sys.exit(main())
