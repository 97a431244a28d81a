"""Offline evaluation with simulated listeners (bench/recommend.py runs it on the real corpora).

Protocol. Each simulated listener has a taste: the set of catalog pieces they like, one of
  style       every piece of one style (bach, irish, scottish, american, european, chinese);
  collection  one collection in one metre (e.g. O'Neill's in 6/8: its jigs), where at least 40 pieces;
  profile     the top 5% of the catalog along a random direction of *hidden* descriptors: scalar metrics
              the recommender never sees (`HIDDEN`), so that it must find the taste through what it does see.
Pieces have an appeal shared by all listeners (log-normal, sigma 1): some tunes are liked by many.
A history is `history` interactions: with probability 1 - noise a liked piece (drawn by appeal), else any
piece at random. A liked piece is rated 4 or 5 stars, kept, or played one to three times; a piece outside
the taste is rated 1 or 2, or played once (people play what they end up not liking). A quarter of the
liked pieces of each history (at least one) is held out; the rest is what the recommender knows, of every
listener at once (so popularity and collaborative filtering see the whole population).
Metrics over listeners, top 10 after removing what the listener already knows: hit rate (a held-out piece
among the ten), nDCG@10 with the held-out pieces as relevant, and taste precision (the share of the ten
inside the listener's taste, which the held-out metrics under-count when a taste holds thousands of pieces).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

# scalar metrics of tunesmith.evaluation the recommender's content vector does not contain
HIDDEN = ("pitch_class_entropy", "scale_consistency", "groove_consistency", "mean_abs_interval",
          "bar_self_similarity", "empty_beat_rate", "leaps_resolved")
STYLES = ("bach", "irish", "scottish", "american", "european", "chinese")


@dataclass
class Listener:
    id: int
    kind: str  # style, collection, profile
    label: str
    taste: np.ndarray  # (N,) bool: the pieces this listener likes
    history: list  # [(item, kind, value)]: what the recommender knows
    held_out: set  # catalog indices of liked pieces held out


def hidden_descriptors(scores) -> np.ndarray:
    """(N, len(HIDDEN)) the hidden metrics of each score, NaN replaced by the column's median."""
    from tunesmith.evaluation.metrics import METRICS

    x = np.array([[METRICS[m](s) for m in HIDDEN] for s in scores], np.float64)
    med = np.nanmedian(x, 0)
    return np.where(np.isnan(x), med, x)


def tastes(catalog, hidden: np.ndarray, rng: np.random.Generator, n_profiles: int = 40) -> list[tuple]:
    """Every (kind, label, mask) taste the listeners are drawn from."""
    tags = catalog.tags
    out = []
    for style in STYLES:
        mask = np.array([t.get("style") == style for t in tags])
        if mask.sum() >= 20:
            out.append(("style", style, mask))
    pairs = {}
    for i, t in enumerate(tags):
        pairs.setdefault((t.get("collection"), t.get("meter")), []).append(i)
    for (collection, meter), rows in sorted(pairs.items(), key=lambda kv: str(kv[0])):
        if len(rows) >= 40 and collection and meter:
            mask = np.zeros(len(tags), bool)
            mask[rows] = True
            out.append(("collection", f"{collection} in {meter}", mask))
    z = (hidden - hidden.mean(0)) / np.where(hidden.std(0) > 0, hidden.std(0), 1)
    for i in range(n_profiles):
        direction = rng.normal(size=z.shape[1])
        score = z @ direction
        out.append(("profile", f"profile {i}", score >= np.quantile(score, 0.95)))
    return out


def simulate(catalog, hidden: np.ndarray, n: int, seed: int, history: int = 30, noise: float = 0.2,
             holdout: float = 0.25) -> list[Listener]:
    """`n` listeners, taste kinds in equal shares (see the module doc)."""
    rng = np.random.default_rng(seed)
    appeal = rng.lognormal(0.0, 1.0, len(catalog))
    pool = tastes(catalog, hidden, np.random.default_rng(seed + 1000))
    by_kind = {k: [t for t in pool if t[0] == k] for k in ("style", "collection", "profile")}
    kinds = [k for k in by_kind if by_kind[k]]
    listeners = []
    for lid in range(n):
        kind = kinds[lid % len(kinds)]
        _, label, mask = by_kind[kind][rng.integers(len(by_kind[kind]))]
        liked_rows = np.flatnonzero(mask)
        p = appeal[liked_rows] / appeal[liked_rows].sum()
        chosen, events = set(), []
        while len(chosen) < history:
            i = int(rng.choice(liked_rows, p=p)) if rng.random() >= noise else int(rng.integers(len(catalog)))
            if i not in chosen:
                chosen.add(i)
                events.append((i, bool(mask[i])))
        liked = [i for i, ok in events if ok]
        held = set(rng.choice(liked, size=max(1, round(holdout * len(liked))), replace=False).tolist()) if liked \
            else set()
        known = []
        for i, ok in events:
            if i in held:
                continue
            item = catalog.ids[i]
            r = rng.random()
            if ok:
                known += [(item, "rating", float(rng.integers(4, 6)))] if r < 0.4 else \
                    [(item, "kept", 1.0)] if r < 0.6 else [(item, "play", 1.0)] * int(rng.integers(1, 4))
            else:
                known += [(item, "rating", float(rng.integers(1, 3)))] if r < 0.6 else [(item, "play", 1.0)]
        listeners.append(Listener(lid, kind, label, mask, known, held))
    return listeners


def interactions(listeners) -> list[tuple]:
    """Everyone's known signals, as the library gives them: (user, item, kind, value), plays counted."""
    rows = []
    for lis in listeners:
        plays = {}
        for item, kind, value in lis.history:
            if kind == "play":
                plays[item] = plays.get(item, 0) + 1
            else:
                rows.append((lis.id, item, kind, value))
        rows += [(lis.id, item, "play", float(c)) for item, c in plays.items()]
    return rows


def evaluate(rank: Callable, listeners, catalog, k: int = 10) -> dict:
    """Hit rate, nDCG and taste precision at k (means over listeners, and per taste kind), for `rank(listener)
    -> catalog indices, best first` (what the listener knows already is removed here, for every ranker)."""
    where = {item: i for i, item in enumerate(catalog.ids)}
    rows = []
    for lis in listeners:
        seen = {where[item] for item, _, _ in lis.history}
        top = [i for i in rank(lis) if i not in seen][:k]
        gains = [1.0 if i in lis.held_out else 0.0 for i in top]
        ideal = sum(1 / math.log2(r + 2) for r in range(min(k, len(lis.held_out))))
        dcg = sum(g / math.log2(r + 2) for r, g in enumerate(gains))
        rows.append((lis.kind, float(any(gains)), dcg / ideal if ideal else 0.0,
                     float(np.mean([lis.taste[i] for i in top])) if top else 0.0))
    out = {"listeners": len(rows)}
    for kind in (None, "style", "collection", "profile"):
        sub = np.array([r[1:] for r in rows if kind is None or r[0] == kind])
        if not len(sub):
            continue
        key = "all" if kind is None else kind
        out[key] = {"hit_rate": float(sub[:, 0].mean()), "ndcg": float(sub[:, 1].mean()),
                    "taste_precision": float(sub[:, 2].mean()), "n": len(sub),
                    # 95% interval of the hit rate and nDCG means over listeners (normal approximation)
                    "hit_rate_ci": 1.96 * float(sub[:, 0].std(ddof=1) / np.sqrt(len(sub))) if len(sub) > 1 else 0.0,
                    "ndcg_ci": 1.96 * float(sub[:, 1].std(ddof=1) / np.sqrt(len(sub))) if len(sub) > 1 else 0.0}
    return out


def popularity(listeners, catalog) -> Callable:
    """The baseline: pieces by how many listeners like them (a positive signal), the same list for all."""
    from tunesmith.recommend.model import weigh

    count = np.zeros(len(catalog))
    where = {item: i for i, item in enumerate(catalog.ids)}
    for lis in listeners:
        weights, _ = weigh(lis.history)
        for item, w in weights.items():
            if w > 0:
                count[where[item]] += 1
    order = np.argsort(-count, kind="stable")
    return lambda lis: order[:1000].tolist()


def random_ranker(catalog, seed: int) -> Callable:
    rng = np.random.default_rng(seed)
    return lambda lis: rng.permutation(len(catalog))[:1000].tolist()


def ours(recommender, k: int = 10) -> Callable:
    where = {item: i for i, item in enumerate(recommender.catalog.ids)}
    return lambda lis: [where[r["item"]] for r in recommender.recommend(lis.id, n=k, history=lis.history)]
