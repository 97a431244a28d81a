"""Generation speed of a model: tokens/s (single stream and batched), real-time factor, time to first note,
cold start of `tunesmith compose` to MIDI+WAV, and peak memory. Prints a Markdown table.

    python bench/generate.py [--model default] [--bars 16] [--batch 16] [--baseline REF]

`--baseline REF` also measures the single stream and the cold start with the package as committed at git
revision REF (exported to a temporary folder), in turns with the working tree, and adds their ratios: a
before/after comparison from one run, so on one machine in one state (a shared machine's load changes by
the minute). Single stream and cold start run in new processes, one per version and turn; best of all turns.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import resource
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import torch
from machine import cpu_name

ROOT = Path(__file__).resolve().parent.parent
REQUEST = {"key": "C major", "meter": "4/4", "tempo": 100}


def tuned(loaded, request):
    """The request with the model's tuned settings, as `tunesmith compose` makes it (none before they existed)."""
    return loaded.request(request) if hasattr(loaded, "request") else request


def measure(root: str, model: str, bars: int, repeats: int) -> None:
    """In a child process: compose with the package in `root`, print (best seconds, tokens, music seconds)."""
    sys.path.insert(0, root)
    from tunesmith.generation.compose import Request, compose
    from tunesmith.generation.load import load

    loaded = load(model)
    best = None
    for seed in range(repeats):
        t0 = time.perf_counter()
        score, ids = compose(loaded.model, loaded.tokenizer, tuned(loaded, Request(**REQUEST, bars=bars, seed=seed)))
        dt = time.perf_counter() - t0
        if best is None or dt < best[0]:
            best = (dt, len(ids), score.duration_seconds)
    print(json.dumps(best))


def single_stream(root: Path, args) -> tuple[float, int, float]:
    cmd = [sys.executable, __file__, "--measure", str(root), "--model", args.model, "--bars", str(args.bars),
           "--repeats", str(args.repeats)]
    return tuple(json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout))


def cold_start(root: Path, args) -> float:
    """Seconds for `tunesmith compose --formats mid,wav` (the CLI's main, from `root`) in a new process."""
    code = f"import sys; sys.path.insert(0, {str(root)!r}); from tunesmith.cli import main; sys.exit(main())"
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [sys.executable, "-c", code, "compose", "--model", args.model, "--bars", str(args.bars),
               "--formats", "mid,wav", "-o", tmp]
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, cwd=tmp)
        return time.perf_counter() - t0


def export(ref: str, folder: str) -> Path:
    """The package as committed at `ref`, written under `folder` (git archive: no checkout, no index)."""
    archive = Path(folder, "src.tar")
    with archive.open("wb") as f:
        subprocess.run(["git", "-C", str(ROOT), "archive", ref, "tunesmith"], check=True, stdout=f)
    with tarfile.open(archive) as t:
        t.extractall(folder, filter="data")
    return Path(folder)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default="default")
    ap.add_argument("--bars", type=int, default=16)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--turns", type=int, default=2, help="new processes per version for single stream and cold start")
    ap.add_argument("--baseline", help="git revision to compare with, e.g. HEAD")
    ap.add_argument("--measure", help=argparse.SUPPRESS)  # child mode: the package root to measure
    args = ap.parse_args()
    if args.measure:
        return measure(args.measure, args.model, args.bars, args.repeats)

    with tempfile.TemporaryDirectory() as tmp:
        versions = {"now": ROOT}
        if args.baseline:
            versions[args.baseline] = export(args.baseline, tmp)
        runs = {v: [] for v in versions}
        for _ in range(args.turns):
            for v, root in versions.items():
                runs[v].append((single_stream(root, args), cold_start(root, args)))
    stream = {v: min(r[0] for r in rs) for v, rs in runs.items()}  # (seconds, tokens, music seconds)
    cold = {v: min(r[1] for r in rs) for v, rs in runs.items()}
    child_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024

    from tunesmith.generation.compose import Request, complete_prefix, meter_steps, rules_for, stream_notes
    from tunesmith.generation.generate import generate, warm_up
    from tunesmith.generation.load import load
    from tunesmith.representation.base import Conditioning

    warm_up()  # numba's compiled code loaded from its cache before anything is timed
    loaded = load(args.model)
    tok = loaded.tokenizer
    req = tuned(loaded, Request(**REQUEST, bars=args.bars))
    rows = []
    dt, n, secs = stream["now"]
    best_of = f"best of {args.repeats} pieces x {args.turns} processes"
    rows.append(("single stream", f"{n / dt:,.0f} tokens/s", f"{n} tokens in {dt:.3f} s ({best_of})"))
    rows.append(("real-time factor", f"{secs / dt:,.0f}x", f"{secs:.1f} s of music in {dt:.3f} s"))

    prefix = complete_prefix(loaded.model, tok, req)
    cond = Conditioning.from_tokens([tok.vocab.name(i) for i in prefix])
    steps = args.bars * meter_steps("4/4", tok.config["steps_per_quarter"])[0]
    rules = rules_for(tok, cond, req, steps, batch=args.batch)
    t0 = time.perf_counter()
    out = generate(loaded.model, prefix, steps * tok.config["voices"] + 1, tok.vocab["EOS"], rules, seed=0,
                   batch=args.batch)
    dt = time.perf_counter() - t0
    total = sum(len(o) - len(prefix) for o in out)
    rows.append((f"batched ({args.batch})", f"{total / dt:,.0f} tokens/s", f"{total} new tokens in {dt:.3f} s"))

    t0 = time.perf_counter()
    next(iter(stream_notes(loaded.model, tok, tuned(loaded, req))))
    rows.append(("time to first note", f"{(time.perf_counter() - t0) * 1000:.0f} ms", "stream_notes, model loaded"))
    rows.append(("cold start to MIDI+WAV", f"{cold['now']:.2f} s",
                 f"`tunesmith compose --formats mid,wav`, new process (best of {args.turns})"))
    rows.append(("peak memory", f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB",
                 f"this process; the largest child process (a compose) {child_rss:.0f} MiB"))
    if args.baseline:
        b = args.baseline
        dt, n, _ = stream[b]
        rows.append((f"single stream at {b}", f"{n / dt:,.0f} tokens/s", f"{n} tokens in {dt:.3f} s, same run"))
        rate = {v: s[1] / s[0] for v, s in stream.items()}
        rows.append(("speed-up, single stream", f"{rate['now'] / rate[b]:.2f}x", f"tokens/s now / at {b}, same run"))
        rows.append((f"cold start at {b}", f"{cold[b]:.2f} s", "same run"))
        rows.append(("speed-up, cold start", f"{cold[b] / cold['now']:.2f}x", f"seconds at {b} / now, same run"))

    import numba

    print(f"Model `{loaded.name}` ({sum(p.numel() for p in loaded.model.parameters()):,} parameters), "
          f"{args.bars} bars. Machine: {cpu_name()}, {os.cpu_count()} cores, torch {torch.__version__} "
          f"({torch.get_num_threads()} threads; generation runs on 1), numba {numba.__version__}; "
          f"{datetime.date.today()}\n")
    print("| measure | value | detail |\n|---|---|---|")
    for r in rows:
        print(f"| {r[0]} | {r[1]} | {r[2]} |")


if __name__ == "__main__":
    main()
