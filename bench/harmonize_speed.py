"""How long harmonizing one 16-bar melody takes (issue 12's goals: <= 5 s from a cold start, <= 0.5 s with the
model loaded, on 2 cores).

    python bench/harmonize_speed.py [--model harmonizer] [--runs 5]

The melody: the first 16 bars of the first 4/4 tune of O'Neill's valid split (a reel: eighth notes).
  cold      `tunesmith harmonize melody.mid --formats mid` in a fresh process (Python start, imports, model
            load, harmonizing, the .mid and the .json written), wall clock, median of the runs
  cold, six files   the same writing every file (.wav, .png, .musicxml, .svg too)
  loaded    tunesmith.generation.harmonize.harmonize() with the model loaded (after one call that compiles
            what numba compiles), median of the runs
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tunesmith.data.cache import Corpus, corpus_dir
from tunesmith.generation.harmonize import harmonize
from tunesmith.generation.load import load
from tunesmith.generation.request import Request
from tunesmith.io import write
from tunesmith.score.transforms import slice_bars


def melody():
    c = Corpus.load(corpus_dir("oneills"))
    for i in c.indices("valid"):
        s = c.score(i)
        ts = s.time_signatures[0]
        if (ts.numerator, ts.denominator) == (4, 4) and len(s.bar_starts()) >= 16:
            return slice_bars(s, 0, 16), c.records[i]["id"]
    raise SystemExit("no 4/4 tune of 16 bars in oneills:valid (tunesmith data prepare --corpus oneills)")


def cold(path: Path, model: str, formats: str, runs: int) -> float:
    times = []
    with tempfile.TemporaryDirectory() as out:
        for _ in range(runs):
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-m", "tunesmith", "harmonize", str(path), "--model", model, "-o", out,
                            "--formats", formats], check=True, capture_output=True)
            times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model", default="harmonizer")
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--json")
    args = p.parse_args(argv)
    tune, pid = melody()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "melody.mid"
        write(tune, path)
        result = {"melody": f"{pid}, bars 1-16", "notes": tune.note_count, "model": args.model,
                  "cold_s": cold(path, args.model, "mid", args.runs),
                  "cold_six_files_s": cold(path, args.model, "mid,wav,png,musicxml,svg", max(1, args.runs // 2))}
    loaded = load(args.model)
    harmonize(loaded, tune, Request())  # numba's compiled masks and sampler: once per process
    times = []
    for seed in range(args.runs):
        t0 = time.perf_counter()
        harmonize(loaded, tune, Request(seed=seed))
        times.append(time.perf_counter() - t0)
    result["loaded_s"] = statistics.median(times)
    print(json.dumps(result))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
