"""The knowledge tree: node count, load time, and retrieval latency in process (goal: p99 <= 1 ms).

    python bench/knowledge.py

Each kind of retrieval is timed call by call (`time.perf_counter_ns`) over a fixed set of requests, repeated
200 times after one warm-up pass: by path (every node), by keyword (the queries below, as a student would
type them), by music (every match key a node declares: a fault, cadence, non-chord tone, chord, progression),
and the whole `explain` text for a keyword query (what `tunesmith explain` prints, without starting Python).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from machine import cpu_name  # noqa: E402

from tunesmith.assistant.explain import explain  # noqa: E402
from tunesmith.assistant.knowledge import load, tree  # noqa: E402

QUERIES = ["parallel fifths", "hidden octaves", "what is a suspension", "deceptive cadence", "neapolitan sixth",
           "leading tone", "voice crossing", "dorian mode", "cadential six four", "secondary dominant",
           "german sixth", "first species counterpoint", "compound meter", "pickup", "period", "bach chorale",
           "irish jig", "palestrina", "tritone", "passing tone", "seventh chord resolution", "spacing",
           "modulation", "key profile", "figured bass inversion", "plagal amen", "escape tone", "strathspey",
           "pentatonic", "harmonic rhythm"]
REPEAT = 200


def timed(fn, requests) -> list[float]:
    for r in requests:
        fn(r)
    out = []
    for _ in range(REPEAT):
        for r in requests:
            t = time.perf_counter_ns()
            fn(r)
            out.append((time.perf_counter_ns() - t) / 1e3)
    return out


def main() -> None:
    t0 = time.perf_counter()
    load()
    cold = time.perf_counter() - t0
    t = tree()
    keys = sorted(t.by_match)
    rows = [("by path", timed(t.node, list(t.nodes))), ("by keyword", timed(t.search, QUERIES)),
            ("by music", timed(lambda k: t.for_music(k), keys)), ("explain text", timed(explain, QUERIES))]
    print(f"{time.strftime('%Y-%m-%d')}, {cpu_name()}, Python {sys.version.split()[0]}\n")
    print(f"{len(t.nodes)} nodes, {len(keys)} match keys, {len(t.postings)} indexed words; "
          f"loading the tree: {1000 * cold:.1f} ms (once per process)\n")
    print("| retrieval | requests | calls | p50 | p99 | max |")
    print("|---|---|---|---|---|---|")
    for name, us in rows:
        q = statistics.quantiles(us, n=100)
        print(f"| {name} | {len(us) // REPEAT} | {len(us)} | {q[49]:.1f} µs | {q[98]:.1f} µs | {max(us):.0f} µs |")


if __name__ == "__main__":
    main()
