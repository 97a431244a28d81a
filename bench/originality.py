"""Originality timings that the tests used to assert (issue 10: timings belong here, not in tests).

    python bench/originality.py

- one query (120 notes) against an index of 400 synthetic tunes of 120 notes, the test's shapes, best of 5;
- building that index;
- loading each shipped model's index of its training split (`model_index`), first load and best of 5.
Prints a Markdown table with the machine and date.
"""

from __future__ import annotations

import datetime
import time

import numpy as np
from machine import cpu_name

from tunesmith.evaluation.corpus_index import model_index
from tunesmith.evaluation.originality import build_index, originality
from tunesmith.generation.load import SHIPPED
from tunesmith.score import Score, TimeSignature, Track, note_array


def tune(seed: int, n: int = 120) -> Score:
    """A random stepwise melody in eighths and quarters (the shape of tests/evaluation/test_originality.py)."""
    r = np.random.default_rng(seed)
    pitches = 60 + np.cumsum(np.r_[0, r.integers(-4, 5, size=n - 1)])
    lengths = (r.choice([0.5, 1.0], size=n) * 480).astype(int)
    starts = np.r_[0, np.cumsum(lengths)[:-1]]
    notes = note_array(zip(pitches, starts, lengths, strict=True))
    return Score(tracks=(Track(notes),), time_signatures=(TimeSignature(0, 4, 4),))


def best(fn, reps: int = 5) -> float:
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    corpus = [(f"t{i}", tune(i)) for i in range(400)]
    t = time.perf_counter()
    index = build_index(corpus)
    build_s = time.perf_counter() - t
    query = tune(7)
    assert originality(query, index)["longest_shared_run"] == 120  # the work timed below is the real one
    rows = [("build index: 400 tunes x 120 notes", build_s, "once"),
            ("one 120-note query against it", best(lambda: originality(query, index)), "best of 5")]
    for name in ("chorales", "folk"):
        if (SHIPPED / name / "config.json").is_file():
            t = time.perf_counter()
            model_index(SHIPPED / name)
            rows.append((f"load the shipped {name} index (first)", time.perf_counter() - t, "once, imports included"))
            rows.append((f"load the shipped {name} index", best(lambda n=name: model_index(SHIPPED / n)), "best of 5"))
    print(f"## Originality timings ({datetime.date.today()}, {cpu_name()})\n")
    print("| what | milliseconds | how |\n|---|---:|---|")
    for what, s, how in rows:
        print(f"| {what} | {s * 1000:.1f} | {how} |")


if __name__ == "__main__":
    main()
