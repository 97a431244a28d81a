"""Recommendations against baselines, offline, with simulated listeners (protocol: tunesmith.recommend.simulate).

    python bench/recommend.py                      # needs `tunesmith data prepare --corpus chorales,folk`

The catalog is every piece of the chorales and the four folk collections (with model embeddings; built once,
~5 minutes, then cached). The mixing weights of the recommender are chosen on one population of listeners
(seed 1) and every figure is measured on another (seed 2), where ours, its parts, popularity and random run
on the same listeners. Then the latency of one recommendation on a catalog of 10,000 pieces. Prints Markdown.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import itertools
import json
import time

import numpy as np
from machine import cpu_name
from threadpoolctl import threadpool_limits

from tunesmith.recommend import Recommender, Weights
from tunesmith.recommend.catalog import Catalog
from tunesmith.recommend.simulate import (
    evaluate,
    hidden_descriptors,
    interactions,
    ours,
    popularity,
    random_ranker,
    simulate,
)


def hidden_of(catalog, names) -> np.ndarray:
    """The hidden descriptors of every catalog piece, cached beside the catalog."""
    from tunesmith.data.cache import Corpus, cache_root, corpus_dir
    from tunesmith.data.corpora import resolve

    path = cache_root() / "recommend" / f"hidden-{'-'.join(resolve(list(names)))}-{len(catalog)}.npy"
    if path.is_file():
        return np.load(path)
    corpora = {n: Corpus.load(corpus_dir(n)) for n in resolve(list(names))}
    where = {n: {r["id"]: i for i, r in enumerate(c.records)} for n, c in corpora.items()}
    scores = []
    for item, tags in zip(catalog.ids, catalog.tags):
        name = tags["collection"]
        scores.append(corpora[name].score(where[name][item.removeprefix("corpus:")]))
    x = hidden_descriptors(scores)
    np.save(path, x)
    return x


def subset(catalog: Catalog, rows) -> Catalog:
    rows = np.asarray(rows)
    emb = catalog.embedding[rows] if catalog.embedding is not None else None
    return Catalog([catalog.ids[i] for i in rows], catalog.content[rows], emb, [catalog.tags[i] for i in rows])


def row(name: str, r: dict) -> str:
    a = r["all"]
    kinds = " | ".join(f"{r[k]['hit_rate']:.3f} / {r[k]['ndcg']:.3f}" for k in ("style", "collection", "profile"))
    return (f"| {name} | **{a['hit_rate']:.3f}** ± {a['hit_rate_ci']:.3f} | **{a['ndcg']:.3f}** ± {a['ndcg_ci']:.3f} | "
            f"{a['taste_precision']:.3f} | {kinds} |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpora", default="chorales,folk")
    ap.add_argument("--listeners", type=int, default=300)
    ap.add_argument("--latency-calls", type=int, default=1000)
    args = ap.parse_args()
    names = tuple(args.corpora.split(","))
    threadpool_limits(1, user_api="blas")  # as in the studio's server process (tunesmith.web.studio)
    t0 = time.perf_counter()
    catalog = Catalog.of_corpora(names, embed=True)
    if not len(catalog):
        raise SystemExit(catalog.note)
    hidden = hidden_of(catalog, names)
    print(f"catalog: {len(catalog):,} pieces, embeddings {catalog.embedding.shape[1]}-d "
          f"({time.perf_counter() - t0:.0f} s to load or build)\n")

    # 1. weights, chosen on seed 1 by nDCG@10
    tune = simulate(catalog, hidden, args.listeners, seed=1)
    rec = Recommender(catalog, interactions(tune))
    grid = []
    for c, t, co, p in itertools.product((0.5, 1.0, 2.0), (0.0, 0.5, 1.0), (0.0, 0.5, 1.0), (0.0, 0.5, 1.0, 2.0, 4.0)):
        rec.weights = Weights(c, t, co, p)
        grid.append((evaluate(ours(rec), tune, catalog)["all"]["ndcg"], rec.weights))
    best = max(grid, key=lambda g: g[0])[1]
    print(f"weights chosen on seed 1 (nDCG@10 {max(g[0] for g in grid):.3f} of {len(grid)} tried): {best}\n")

    # 2. everything on seed 2, the same listeners for every ranker
    test = simulate(catalog, hidden, args.listeners, seed=2)
    known = interactions(test)
    no_emb = dataclasses.replace(catalog, embedding=None, _index={})
    rankers = {
        "ours (hybrid)": ours(Recommender(catalog, known, best)),
        "ours: content only (features + embedding)": ours(Recommender(catalog, known, Weights(1, 0, 0, 0))),
        "ours: content only (features, no embedding)": ours(Recommender(no_emb, known, Weights(1, 0, 0, 0))),
        "ours: tags only": ours(Recommender(catalog, known, Weights(0, 1, 0, 0))),
        "ours: collaborative only": ours(Recommender(catalog, known, Weights(0, 0, 1, 0))),
        "baseline: popularity": popularity(test, catalog),
        "baseline: random": random_ranker(catalog, seed=2),
    }
    print(f"{args.listeners} simulated listeners (seed 2), 30 interactions each, a quarter of the liked ones "
          "held out; top 10\n")
    print("| ranker | hit rate@10 | nDCG@10 | taste precision@10 | style: HR / nDCG | collection: HR / nDCG | "
          "profile: HR / nDCG |")
    print("|---|---|---|---|---|---|---|")
    results = {}
    for name, rank in rankers.items():
        results[name] = evaluate(rank, test, catalog)
        print(row(name, results[name]))

    # 3. latency on a catalog of 10,000 pieces
    rng = np.random.default_rng(3)
    small = subset(catalog, np.sort(rng.choice(len(catalog), size=min(10_000, len(catalog)), replace=False)))
    people = simulate(small, hidden_of(catalog, names)[[catalog.index(i) for i in small.ids]], args.listeners, seed=4)
    t = time.perf_counter()
    rec = Recommender(small, interactions(people), best)
    build = time.perf_counter() - t
    times = []
    for k in range(args.latency_calls):
        lis = people[k % len(people)]
        t = time.perf_counter()
        rec.recommend(lis.id, n=10, history=lis.history)
        times.append(time.perf_counter() - t)
    ms = np.array(times) * 1000
    print(f"\nlatency, catalog of {len(small):,} pieces, {len(people)} listeners' signals: one recommendation "
          f"p50 {np.percentile(ms, 50):.2f} ms, p99 {np.percentile(ms, 99):.2f} ms, max {ms.max():.2f} ms "
          f"({args.latency_calls} calls); building the recommender {build * 1000:.0f} ms")
    print(f"\n{datetime.date.today()}, {cpu_name()}")
    out = {"weights": dataclasses.asdict(best), "results": results,
           "latency_ms": {"p50": float(np.percentile(ms, 50)), "p99": float(np.percentile(ms, 99))}}
    print("\n" + json.dumps(out["latency_ms"]))


if __name__ == "__main__":
    main()
