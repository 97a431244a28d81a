"""Fuzz `tunesmith.read` at scale: the generator of tests/io/test_fuzz.py (tests/io/corrupt.py) on thousands of
corrupt and hostile files across the formats, each read in a process of its own under a hard time limit, so that a
hang or a crash of one read is counted, not fatal.

    python bench/fuzz.py --inputs 10000 --workers 2

Reports, per format: inputs, reads that gave a valid Score, ScoreErrors, ScoreErrors that only `read`'s safety
net caught (a reader's bug), other exceptions (by type), crashes (a killed or dead reading process), hangs (reads
still running at --limit seconds, then killed), the slowest read, and the peak memory of one read (RSS of its
process and the workers it waited for). The library's own time limits are set to --library-seconds for the run.
"""

from __future__ import annotations

import argparse
import datetime
import importlib.util
import json
import os
import platform
import select
import signal
import sys
import tempfile
import time
import warnings
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))
from machine import cpu_name  # noqa: E402

_spec = importlib.util.spec_from_file_location("corrupt", REPO / "tests" / "io" / "corrupt.py")
corrupt = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(corrupt)

OUTCOMES = ("ok", "ScoreError", "safety net", "other", "crash", "hang")


def read_one(path: Path) -> dict:
    """What `tunesmith.read` does with one file (in the reading process)."""
    from tunesmith.errors import ScoreError
    from tunesmith.io import read

    try:
        score = read(path)
        score.validate()
        return {"outcome": "ok"}
    except ScoreError as e:  # the net chains the exception it caught; the readers' own errors are not chained
        if e.__cause__ is not None:
            return {"outcome": "safety net", "type": type(e.__cause__).__name__, "message": str(e)[:300]}
        return {"outcome": "ScoreError", "message": str(e)[:300]}
    except BaseException as e:  # noqa: B036 (the point of the bench: anything else is counted)
        return {"outcome": "other", "type": type(e).__name__, "message": str(e)[:300]}


def run_one(task) -> dict:
    """Fork, read one generated file in the child, and wait at most `limit` seconds for its answer."""
    index, seed, limit, folder = task
    case = corrupt.corrupt_input(index, seed)
    path = Path(folder, f"{index}{case.suffix}")
    path.write_bytes(case.data)
    record = {"index": index, "format": case.suffix, "how": case.how, "bytes": len(case.data)}
    read_end, write_end = os.pipe()
    t0 = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(read_end)
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 2)  # music21 prints a warning for each odd ABC note: thousands of lines
            os.write(write_end, json.dumps(read_one(path)).encode())
        finally:
            os._exit(0)
    os.close(write_end)
    chunks, deadline = [], time.monotonic() + limit
    while True:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([read_end], [], [], left)[0]:
            os.kill(pid, signal.SIGKILL)
            record["outcome"] = "hang"
            break
        chunk = os.read(read_end, 1 << 16)
        if not chunk:
            break
        chunks.append(chunk)
    os.close(read_end)
    _, status, usage = os.wait4(pid, 0)
    record["seconds"] = time.perf_counter() - t0
    record["peak_kib"] = usage.ru_maxrss  # the child's and its waited-for workers' (Linux: KiB)
    path.unlink()
    if "outcome" not in record:
        if chunks:
            record.update(json.loads(b"".join(chunks)))
        else:
            record.update(outcome="crash", type=f"signal {os.WTERMSIG(status)}" if os.WIFSIGNALED(status) else
                          f"exit {os.WEXITSTATUS(status)}")
    return record


def _init(library_seconds: float) -> None:
    warnings.filterwarnings("ignore")
    import logging

    logging.disable(logging.CRITICAL)  # read_many-style warnings of the fallback: thousands of lines
    from tunesmith.io import abc, limits, music21

    limits.SECONDS = library_seconds
    abc.TIMEOUT_S = library_seconds
    music21._music21()  # imported once per worker, inherited by every forked read


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--inputs", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--library-seconds", type=float, default=10.0, help="tunesmith.io.limits.SECONDS and "
                    "abc2midi's time limit for the run (defaults: 60 and 30)")
    ap.add_argument("--limit", type=float, default=30.0, help="a read still running after this is a hang")
    ap.add_argument("--list", type=int, default=20, help="list this many inputs that were not ok or "
                    "ScoreError, or that a library time limit ended")
    args = ap.parse_args()
    from multiprocessing import get_context

    corrupt.seeds()  # built once here (music21 writes the MusicXML seed), inherited by the forked workers
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="tunesmith-fuzz-") as folder:
        tasks = [(i, args.seed, args.limit, folder) for i in range(args.inputs)]
        with get_context("fork").Pool(args.workers, _init, (args.library_seconds,)) as pool:
            records = list(pool.imap_unordered(run_one, tasks, chunksize=8))
    wall = time.perf_counter() - t0
    report(records, args, wall)


def report(records: list[dict], args, wall: float) -> None:
    import music21
    import symusic

    import tunesmith

    by_format: dict[str, Counter] = defaultdict(Counter)
    types: dict[str, Counter] = defaultdict(Counter)
    for r in records:
        by_format[r["format"]][r["outcome"]] += 1
        if r["outcome"] not in ("ok", "ScoreError"):
            types[r["outcome"]][r.get("type", "")] += 1
    print(f"{datetime.date.today()}, {cpu_name()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"tunesmith {tunesmith.__version__}, music21 "
          f"{music21.__version__}, symusic {symusic.__version__}")
    print(f"{len(records)} inputs, seed {args.seed}, {args.workers} workers, {wall:.0f} s wall; library time limits "
          f"{args.library_seconds:g} s, hang limit {args.limit:g} s\n")
    print("| format | inputs | read OK | ScoreError | caught by the safety net | other exceptions | crashes | hangs |")
    print("|---|---|---|---|---|---|---|---|")
    total = Counter()
    for fmt in corrupt.FORMATS:
        c = by_format[fmt]
        total.update(c)
        print(f"| {fmt} | {sum(c.values()):,} | " + " | ".join(f"{c[o]:,}" for o in OUTCOMES) + " |")
    print(f"| all | {sum(total.values()):,} | " + " | ".join(f"**{total[o]:,}**" for o in OUTCOMES) + " |\n")
    for outcome, counts in types.items():
        print(f"{outcome}: " + ", ".join(f"{t} x{n}" for t, n in counts.most_common()))
    slowest = max(records, key=lambda r: r["seconds"])
    limited = sum("took more than" in r.get("message", "") for r in records)
    peak = max(records, key=lambda r: r["peak_kib"])
    print(f"slowest read: {slowest['seconds']:.2f} s (input {slowest['index']}, {slowest['format']}, {slowest['how']}, "
          f"{slowest['outcome']}); reads ended by a library time limit: {limited}")
    print(f"peak memory of one read: {peak['peak_kib'] / 1024:.0f} MiB (input {peak['index']}, {peak['format']}); "
          f"median {sorted(r['peak_kib'] for r in records)[len(records) // 2] / 1024:.0f} MiB")
    bad = sorted((r for r in records if r["outcome"] not in ("ok", "ScoreError") or "took more than" in
                  r.get("message", "")), key=lambda r: r["index"])
    for r in bad[:args.list]:
        print(f"  input {r['index']} {r['format']} ({r['how']}): {r['outcome']} {r.get('type', '')} "
              f"{r.get('message', '')[:160]}")


if __name__ == "__main__":
    main()
