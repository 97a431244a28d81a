"""Suggestions: how long `tunesmith suggest` takes for a bar of a chorale and of a tune.

    python bench/suggest.py [--pieces 5]

For the first `--pieces` chorales (shipped chorale model) and O'Neill's tunes (folk model) of the prepared
corpora, bar 3 of each, three suggestions of every kind that applies (`suggest(..., n=3)`), without files and
then with WAV, MusicXML and SVG written; the time of the drafts and their judging, and of the rendering.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from machine import cpu_name  # noqa: E402


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--pieces", type=int, default=5)
    args = p.parse_args()
    from tunesmith.assistant.suggest import suggest
    from tunesmith.data.cache import Corpus, corpus_dir
    from tunesmith.generation.load import load
    from tunesmith.io import write

    print(f"{time.strftime('%Y-%m-%d')}, {cpu_name()}\n")
    print("| model, pieces | suggestions a bar | drafts and judging | with files: rendering |")
    print("|---|---|---|---|")
    for model, corpus in (("chorales", "chorales"), ("folk", "oneills")):
        loaded = load(model)
        c = Corpus.load(corpus_dir(corpus))
        rows = []
        with tempfile.TemporaryDirectory() as tmp:
            for i in range(args.pieces + 1):  # the first one warms up
                path = Path(tmp) / f"piece{i}.json"
                write(c.score(i), path)
                r = suggest(path, 3, n=3, model=loaded)
                t0 = time.perf_counter()
                w = suggest(path, 3, n=3, model=loaded, out=Path(tmp) / "out")
                if i:
                    rows.append((len(r.items), r.timings_s["suggest"], w.timings_s["render"],
                                 time.perf_counter() - t0))
        n, draft, render, _ = zip(*rows)
        print(f"| {model}, {len(rows)} | {statistics.median(n):.0f} | {statistics.median(draft):.2f} s "
              f"(max {max(draft):.2f}) | {statistics.median(render):.2f} s (max {max(render):.2f}) |")


if __name__ == "__main__":
    main()
