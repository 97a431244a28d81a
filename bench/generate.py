"""Generation speed of a model: tokens/s (single stream and batched), real-time factor, time to first note,
cold start of `tunesmith compose` to MIDI+WAV, and peak memory. Prints a Markdown table.

    python bench/generate.py [--model default] [--bars 16] [--batch 16]
"""

from __future__ import annotations

import argparse
import datetime
import os
import resource
import subprocess
import sys
import tempfile
import time

import torch
from machine import cpu_name


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default="default")
    ap.add_argument("--bars", type=int, default=16)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()

    from tunesmith.generation.compose import Request, complete_prefix, compose, meter_steps, rules_for, stream_notes
    from tunesmith.generation.generate import generate
    from tunesmith.generation.load import load
    from tunesmith.representation.base import Conditioning

    loaded = load(args.model)
    tok = loaded.tokenizer
    req = Request(key="C major", meter="4/4", bars=args.bars, tempo=100)
    rows = []

    best = None
    for r in range(args.repeats):
        t0 = time.perf_counter()
        score, ids = compose(loaded.model, tok, Request(**{**req.__dict__, "seed": r}))
        dt = time.perf_counter() - t0
        if best is None or dt < best[0]:
            best = (dt, len(ids), score.duration_seconds)
    dt, n, secs = best
    rows.append(("single stream", f"{n / dt:,.0f} tokens/s", f"{n} tokens in {dt:.3f} s (best of {args.repeats})"))
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
    next(iter(stream_notes(loaded.model, tok, req)))
    rows.append(("time to first note", f"{(time.perf_counter() - t0) * 1000:.0f} ms", "stream_notes, model loaded"))

    with tempfile.TemporaryDirectory() as tmp:
        cmd = [sys.executable, "-m", "tunesmith", "compose", "--model", args.model, "--bars", str(args.bars),
               "--formats", "mid,wav", "-o", tmp]
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        cold = time.perf_counter() - t0
    child_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    rows.append(("cold start to MIDI+WAV", f"{cold:.2f} s", "`tunesmith compose --formats mid,wav`, new process"))
    rows.append(("peak memory", f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB",
                 f"this process; the compose process {child_rss:.0f} MiB"))

    print(f"Model `{loaded.name}` ({sum(p.numel() for p in loaded.model.parameters()):,} parameters), "
          f"{args.bars} bars. Machine: {cpu_name()}, {os.cpu_count()} cores, torch {torch.__version__}, "
          f"{torch.get_num_threads()} threads; {datetime.date.today()}\n")
    print("| measure | value | detail |\n|---|---|---|")
    for r in rows:
        print(f"| {r[0]} | {r[1]} | {r[2]} |")


if __name__ == "__main__":
    main()
