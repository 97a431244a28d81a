"""The piano-roll likelihood benchmark on data shaped like MuseData and Piano-midi.de (issue 10): hundreds of
pieces of up to several thousand steps, up to 16 simultaneous pitches anywhere in the 88 keys. Synthetic
(those sets are not in the repository): what is measured is that the benchmark fits the machine, and how long
each stage takes, not a likelihood.

    python bench/pianoroll_scale.py [--train 500] [--valid 130] [--max-steps 6000] [--minutes 2]

Pieces have log-uniform lengths from 200 to --max-steps steps; each step holds 0-16 pitches moving by small
steps around a few voices, so that a model has something to learn. Stages, each in its own process so that its
peak memory (max RSS) is its own: writing the token arrays (train transposed -5..+6), then the whole
`tunesmith bench pianoroll` (arrays, training for --minutes, scoring valid in full). Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import datetime
import gzip
import json
import multiprocessing as mp
import resource
import tempfile
import time
from pathlib import Path

import numpy as np
from machine import cpu_name


def synthetic(pieces: int, max_steps: int, seed: int) -> list:
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(pieces):
        steps = int(np.exp(rng.uniform(np.log(200), np.log(max_steps))))
        voices = np.sort(rng.integers(28, 100, size=int(rng.integers(1, 17))))
        piece = []
        for _ in range(steps):
            voices = np.clip(voices + rng.integers(-2, 3, size=len(voices)) * (rng.random(len(voices)) < 0.3), 21,
                             108)
            sounding = voices[rng.random(len(voices)) < 0.85]
            piece.append(sorted(set(int(p) for p in sounding)))
        out.append(piece)
    return out


def stage(fn, *args) -> dict:
    """Run fn(*args) in a child process: its result, wall seconds and peak RSS in MiB."""
    with mp.get_context("spawn").Pool(1) as pool:
        return pool.apply(_timed, (fn, *args))


def _timed(fn, *args) -> dict:
    t = time.perf_counter()
    result = fn(*args)
    return {"result": result, "seconds": time.perf_counter() - t,
            "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def arrays_only(path: str, out: str) -> dict:
    from tunesmith.data.arrays import TokenArrays
    from tunesmith.evaluation.pianoroll import load_pianoroll, write_token_arrays

    meta = TokenArrays.load(write_token_arrays(load_pianoroll(path), out, (-5, 6))).meta["splits"]
    return {split: meta[split]["tokens"] for split in meta}


def whole(path: str, out: str, minutes: float) -> dict:
    from tunesmith.evaluation.pianoroll import benchmark

    r = benchmark(path, out, minutes=minutes, progress=False)
    return {"steps": r["steps"], "train_minutes": r["train_minutes"], "valid": r["scores"]["valid"],
            "eval_tokens": r["eval_tokens"]}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--train", type=int, default=500)
    ap.add_argument("--valid", type=int, default=130)
    ap.add_argument("--max-steps", type=int, default=6000)
    ap.add_argument("--minutes", type=float, default=2.0)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="pianoroll-scale-") as tmp:
        data = {"train": synthetic(args.train, args.max_steps, 0), "valid": synthetic(args.valid, args.max_steps, 1)}
        path = Path(tmp) / "large.json.gz"
        path.write_bytes(gzip.compress(json.dumps(data).encode()))
        shape = {s: (len(p), sum(map(len, p)), max(map(len, p)), max(len(x) for q in p for x in q))
                 for s, p in data.items()}
        del data
        a = stage(arrays_only, str(path), str(Path(tmp) / "arrays"))
        w = stage(whole, str(path), str(Path(tmp) / "run"), args.minutes)
    print(f"## Piano-roll benchmark at MuseData scale ({datetime.date.today()}, {cpu_name()}, "
          f"{mp.cpu_count()} cores)\n")
    for split, (n, steps, longest, poly) in shape.items():
        print(f"- {split}: {n} pieces, {steps:,} steps (longest {longest:,}), up to {poly} pitches a step, "
              f"{a['result'][split]:,} tokens" + (" (x12 transpositions)" if split == "train" else ""))
    r = w["result"]
    c = r["valid"]["context"]
    print(f"- trained {r['steps']} steps in {r['train_minutes']} min; checkpoint chosen on {r['eval_tokens']:,} "
          f"valid tokens; valid NLL {r['valid']['nll']:.2f} nats/step (random data: no figure to compare)")
    print(f"- context: {c['block_tokens']} tokens, {c['steps_seen'][0]}-{c['steps_seen'][1]} steps back at "
          f"{c['tokens_per_step']} tokens/step; {c['share_tokens_cut']:.1%} of valid tokens scored on a cut past\n")
    print("| stage | wall seconds | peak memory (MiB) |\n|---|---:|---:|")
    print(f"| load + token arrays (train x12) | {a['seconds']:.1f} | {a['rss_mib']:.0f} |")
    print(f"| whole benchmark (arrays, {args.minutes:g} min training, scoring valid) | {w['seconds']:.1f} | "
          f"{w['rss_mib']:.0f} |")


if __name__ == "__main__":
    main()
