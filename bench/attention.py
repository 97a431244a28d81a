"""Attention extraction: how long `tunesmith attention` takes for a chorale and for a tune, part by part.

    python bench/attention.py [--pieces 10]

The first `--pieces` chorales of the prepared corpus (by record order) with the shipped chorale model, and as
many O'Neill's tunes with the folk model: the model's weights (`attention(ids)`), their sums to notes, bars and
distances, the reading, and the two pictures; the median and the largest over the pieces, after one warm-up.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from machine import cpu_name  # noqa: E402


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--pieces", type=int, default=10)
    args = p.parse_args()
    import tempfile

    import torch

    from tunesmith.assistant.attention import attention_map
    from tunesmith.assistant.attention_job import write_maps
    from tunesmith.assistant.reading import read_map
    from tunesmith.data.cache import Corpus, corpus_dir
    from tunesmith.generation.load import load

    print(f"{time.strftime('%Y-%m-%d')}, {cpu_name()}, torch {torch.__version__}, {torch.get_num_threads()} threads\n")
    print("| model, pieces | tokens | notes | attention (model + sums) | reading | pictures |")
    print("|---|---|---|---|---|---|")
    for model, corpus in (("chorales", "chorales"), ("folk", "oneills")):
        loaded = load(model)
        c = Corpus.load(corpus_dir(corpus))
        scores = [c.score(i) for i in range(args.pieces)]
        attention_map(loaded.model, loaded.tokenizer, scores[0])  # warm-up
        rows = []
        with tempfile.TemporaryDirectory() as out:
            for s in scores:
                t0 = time.perf_counter()
                amap = attention_map(loaded.model, loaded.tokenizer, s)
                t1 = time.perf_counter()
                amap.readings = read_map(amap)
                t2 = time.perf_counter()
                write_maps(amap, out, "piece", ("png",))
                rows.append((len(amap.ids), len(amap.notes), t1 - t0, t2 - t1, time.perf_counter() - t2))
        cols = list(zip(*rows))

        def cell(xs, unit=1000, fmt=".0f"):
            return f"{statistics.median(xs) * unit:{fmt}} (max {max(xs) * unit:{fmt}})"

        print(f"| {model}, {len(rows)} | {cell(cols[0], 1)} | {cell(cols[1], 1)} | {cell(cols[2])} ms "
              f"| {cell(cols[3])} ms | {cell(cols[4])} ms |")


if __name__ == "__main__":
    main()
