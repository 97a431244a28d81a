"""Parse corpora in parallel into the compact cache, with splits, per-piece records and a dataset card."""

from __future__ import annotations

import logging
import os
import time
import warnings
from collections import Counter
from pathlib import Path

from tunesmith.data.cache import Corpus, corpus_dir, piece_record, save_corpus
from tunesmith.data.corpora import CORPORA, CorpusSpec, resolve, work_units
from tunesmith.data.splits import SPLITS, group_of, split_of
from tunesmith.errors import ScoreError, TunesmithError
from tunesmith.score.model import Metadata, Score

log = logging.getLogger(__name__)


def _parse_unit(job):
    """Worker: (index, piece_id, path, abc_text, kind) -> (index, piece_id, Score | None, reason, note).
    `reason` says why a piece failed; `note` why an ABC tune was read with music21 instead of abc2midi."""
    index, piece_id, path, text, kind = job
    warnings.filterwarnings("ignore")
    note = ""
    try:
        if kind == "midi":
            from tunesmith.io.midi import read_midi

            score = read_midi(path)
        elif text:  # one tune of an ABC book
            from tunesmith.io.abc import parse_abc

            score, note = parse_abc(text)
        else:
            from music21 import converter

            from tunesmith.io.music21 import from_music21

            stream = converter.parse(path, format=kind, forceSource=True, storePickle=False)
            if hasattr(stream, "scores") and len(stream.scores):  # an opus of one piece
                stream = stream.scores[0]
            score = from_music21(stream)
        if score.note_count == 0:
            raise ScoreError("no notes")
        return index, piece_id, score, "", note
    except ScoreError as e:
        return index, piece_id, None, str(e), note
    except Exception as e:  # music21 raises many unrelated types on malformed input; none may stop a batch
        return index, piece_id, None, f"{type(e).__name__}: {e}"[:300], note


READ_WITH = {
    "abc": "abc2midi as played (repeats, endings and parts expanded), music21 where abc2midi fails",
    "musicxml": "music21", "humdrum": "music21", "midi": "symusic",
}


def _kind(path: str) -> str:
    return {".mxl": "musicxml", ".xml": "musicxml", ".krn": "humdrum", ".abc": "abc",
            ".mid": "midi", ".midi": "midi"}[Path(path).suffix.lower()]


def parse_all(units, workers: int | None = None, desc: str = "parsing", progress: bool = True):
    """Parse work units on all cores with a progress bar: (piece_id, path, Score | None, reason, note) in order,
    `note` saying why an ABC tune needed music21 ("" when abc2midi read it)."""
    from multiprocessing import get_context

    from tqdm import tqdm

    jobs = [(i, pid, path, text, _kind(path)) for i, (pid, path, text) in enumerate(units)]
    workers = workers or os.cpu_count() or 1
    results = [None] * len(jobs)
    bar = tqdm(total=len(jobs), desc=desc, unit="piece", disable=not progress, dynamic_ncols=True)
    if workers == 1 or len(jobs) < 4:
        it = map(_parse_unit, jobs)
        for r in it:
            results[r[0]] = r
            bar.update()
    else:
        with get_context("fork").Pool(workers) as pool:
            for r in pool.imap_unordered(_parse_unit, jobs, chunksize=4):
                results[r[0]] = r
                bar.update()
    bar.close()
    return [(pid, jobs[i][2], score, reason, note) for i, pid, score, reason, note in results]


def _key_and_meter(score: Score) -> tuple[str, str]:
    from tunesmith.theory.keys import estimate_key

    ts = score.time_signatures[0]
    key = score.key_signatures[0] if score.key_signatures else estimate_key(score)
    return (key.name if key is not None else ""), f"{ts.numerator}/{ts.denominator}"


def build(name: str, spec_title: str, units, style_of, license: str, citation: str, source: str,
          root: Path | None = None, workers: int | None = None, progress: bool = True) -> Corpus:
    """Parse units and write one corpus cache folder; returns the loaded corpus."""
    t0 = time.perf_counter()
    parsed = parse_all(units, workers, desc=name, progress=progress)
    records, scores, failures, fallbacks = [], [], [], []
    for pid, path, score, reason, note in parsed:
        if note:
            fallbacks.append({"id": pid, "path": path, "reason": note})
        if score is None:
            failures.append({"id": pid, "path": path, "reason": reason})
            continue
        md = Metadata(title=score.metadata.title or Path(pid).name, composer=score.metadata.composer,
                      collection=name, style=style_of(Path(path)), license=license, source=pid)
        score = score.replace(metadata=md)
        key, meter = _key_and_meter(score)
        group = group_of(pid, score)
        records.append({**piece_record(pid, score, split_of(group), key, meter), "group": group})
        scores.append(score)
    if not records:  # nothing to learn from: no cache is written, so nothing half-made stays behind
        reasons = "; ".join(f"{Path(f['path']).name}: {f['reason']}" for f in failures[:3])
        raise TunesmithError(f"{name}: none of the {len(parsed)} files could be read ({reasons}"
                             f"{'; ...' if len(failures) > 3 else ''})")
    seconds = time.perf_counter() - t0
    info = {"name": name, "title": spec_title, "source": source, "license": license, "citation": citation,
            "read_with": ", ".join(sorted({READ_WITH[_kind(path)] for _, path, *_ in parsed})),
            "parse_seconds": round(seconds, 1), "units": len(parsed)}
    folder = save_corpus(corpus_dir(name, root), records, scores, failures, info,
                         card_text(info, records, failures, fallbacks), fallbacks)
    log.info("%s: %d pieces, %d failed, %d read with music21, %.1f s", name, len(records), len(failures),
             len(fallbacks), seconds)
    return Corpus.load(folder)


def prepare(corpus: str, root: Path | None = None, limit: int | None = None, force: bool = False,
            workers: int | None = None, progress: bool = True) -> list[Corpus]:
    """Prepare built-in corpora ('chorales', 'folk', 'all', ...), using the cache when it is there."""
    out = []
    for name in resolve(corpus):
        spec: CorpusSpec = CORPORA[name]
        cname = name if limit is None else f"{name}-{limit}"
        folder = corpus_dir(cname, root)
        if not force and (folder / "index.json").is_file():
            try:
                out.append(Corpus.load(folder))
                continue
            except TunesmithError as e:
                log.warning("%s; rebuilding", e)
        units = work_units(spec)[:limit]
        out.append(build(cname, spec.title, units, spec.style_of, spec.license, spec.citation,
                         f"music21 corpus: {spec.folder}/", root, workers, progress))
    return out


def prepare_midi_dir(directory, name: str | None = None, root: Path | None = None, force: bool = False,
                     workers: int | None = None, progress: bool = True) -> Corpus:
    """Prepare a user's folder of MIDI files (recursive); bad files are skipped and listed in the card."""
    directory = Path(directory)
    if not directory.is_dir():
        raise TunesmithError(f"{directory}: not a folder")
    name = name or f"user-{directory.resolve().name}"
    folder = corpus_dir(name, root)
    if not force and (folder / "index.json").is_file():
        return Corpus.load(folder)
    files = sorted(p for p in directory.rglob("*") if p.is_file() and p.suffix.lower() in (".mid", ".midi"))
    if not files:
        raise TunesmithError(f"{directory}: no .mid or .midi files found")
    units = [(f"{name}/{p.relative_to(directory).with_suffix('').as_posix()}", str(p), "") for p in files]
    return build(name, f"MIDI files from {directory}", units, lambda p: "user", "the user's own files", "",
                 str(directory.resolve()), root, workers, progress)


def card_text(info: dict, records: list[dict], failures: list[dict], fallbacks: list[dict] = ()) -> str:
    """The dataset card: what, where from, under which license, how many per split, what failed and why, and
    which ABC tunes music21 read because abc2midi could not."""
    by = Counter((r["style"], r["split"]) for r in records)
    styles = sorted({r["style"] for r in records})
    notes = sum(r["notes"] for r in records)
    lines = [
        f"# Dataset card: {info['name']}", "", info["title"], "",
        f"- Source: {info['source']}", f"- License: {info['license']}",
    ]
    if info.get("read_with"):
        lines.append(f"- Read with: {info['read_with']}")
    if info.get("citation"):
        lines.append(f"- Citation: {info['citation']}")
    lines += [
        f"- Pieces: {len(records)} parsed, {len(failures)} failed, of {info['units']} ({notes} notes)",
        f"- Parse time: {info['parse_seconds']} s",
        "- Splits: 80/10/10 by a hash of each piece's group (its first voice's opening intervals, so settings "
        "of one tune share a split), made before any augmentation", "",
        "| style | " + " | ".join(SPLITS) + " | total |", "|---" * (len(SPLITS) + 2) + "|",
    ]
    for s in styles:
        row = [by[(s, sp)] for sp in SPLITS]
        lines.append(f"| {s} | " + " | ".join(map(str, row)) + f" | {sum(row)} |")
    meters = Counter(r["meter"] for r in records).most_common(6)
    keys = Counter(r["key"] for r in records).most_common(6)
    lines += ["", "Most common meters: " + ", ".join(f"{m} ({n})" for m, n in meters),
              "Most common keys: " + ", ".join(f"{k} ({n})" for k, n in keys), ""]
    if failures:
        lines += [f"## Failures ({len(failures)})", "", "| piece | reason |", "|---|---|"]
        lines += [f"| {f['id']} | {f['reason'].replace('|', '/')} |" for f in failures]
    else:
        lines.append("No failures.")
    if fallbacks:
        lines += ["", f"## Read with music21, as abc2midi could not ({len(fallbacks)})", "",
                  "| piece | abc2midi's reason |", "|---|---|"]
        lines += [f"| {f['id']} | {f['reason'].replace('|', '/')} |" for f in fallbacks]
    return "\n".join(lines) + "\n"


def load_corpora(corpus: str, root: Path | None = None, limit: int | None = None) -> list[Corpus]:
    """Load prepared corpora by name or group; a missing one is a clear error naming the command to run."""
    out = []
    for name in resolve(corpus) if not corpus.startswith("user-") else [corpus]:
        cname = name if limit is None else f"{name}-{limit}"
        out.append(Corpus.load(corpus_dir(cname, root)))
    return out
