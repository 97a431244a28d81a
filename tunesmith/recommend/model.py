"""Pieces to hear: a hybrid recommender over the catalog (built-in corpus pieces) and the user's own pieces.

Signals, per user and item, summed into one preference weight: a rating of s stars gives s - 3 (5 -> +2,
1 -> -2), keeping a piece +2, each play +0.5 (at most +2). Scores of an item i for a user with weights w_j:

  content   cosine between i and the profile sum_j w_j z_j, z = the item's standardized content vector and
            model embedding, each part scaled to equal weight (Rocchio's relevance feedback)
  tags      how much of the user's weight lies on i's tune type, style, key and collection
  collab    item-item collaborative filtering: sum_j w_j cos(R_i, R_j) over other users' positive weights R
            (Sarwar et al., WWW 2001); only once several users have signals
  popular   log of how many users like i, scaled to [0, 1]

mixed with the weights of `Weights`, chosen by nDCG@10 over a grid of 135 on one population of simulated
listeners and measured on another (bench/recommend.py, bench/RESULTS.md).
Items the user has already rated, played or kept are not offered again. With no signal at all (cold
start): the most popular items, or, before anyone has liked anything, the most typical piece of each style
in turn.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from tunesmith.recommend import explain as words
from tunesmith.recommend.features import DIM, standardize

TAG_WEIGHTS = {"kind": 1.0, "style": 1.0, "key": 0.5, "collection": 0.5}


@dataclass(frozen=True)
class Weights:
    content: float = 0.5
    tags: float = 1.0
    collab: float = 0.5
    popular: float = 2.0


def preference(kind: str, value: float) -> float:
    """One signal's weight (see the module doc)."""
    if kind == "rating":
        return value - 3.0
    if kind == "kept":
        return 2.0
    return 0.5 * min(value, 4.0)


@dataclass
class Item:
    """A candidate of the user's own library (the catalog's items come from the catalog)."""

    id: str
    content: np.ndarray
    tags: dict


class Recommender:
    """Built once per catalog and set of interactions; `recommend(user)` is a few matrix-vector products."""

    def __init__(self, catalog, interactions=(), weights: Weights = Weights()):
        self.catalog, self.weights = catalog, weights
        self.users: dict = {}  # user -> item -> weight
        self.kinds: dict = {}  # user -> item -> signal kinds
        self.update(interactions)
        z, self.mean, self.std = standardize(catalog.content) if len(catalog) else (catalog.content, 0.0, 1.0)
        parts = [z / np.sqrt(z.shape[1])]
        if catalog.embedding is not None and len(catalog):
            e, _, _ = standardize(catalog.embedding)
            parts.append(e / np.sqrt(e.shape[1]))
        self.z = _unit(np.concatenate(parts, 1)) if len(catalog) else np.zeros((0, DIM), np.float32)
        self._codes = {}  # field -> (code of each catalog item's tag, -1 for none; {tag value: code})
        for field in TAG_WEIGHTS:
            vocab: dict = {}
            codes = [vocab.setdefault(t[field], len(vocab)) if t.get(field) else -1 for t in catalog.tags]
            self._codes[field] = (np.array(codes, np.int64), vocab)

    def update(self, interactions) -> None:
        """Learn every user's signals anew from [(user, item, kind, value)]: preferences, co-likers, popularity."""
        by_user = defaultdict(list)
        for user, item, kind, value in interactions:
            by_user[user].append((item, kind, value))
        self.users, self.kinds = {}, {}
        for user, history in by_user.items():
            self.users[user], self.kinds[user] = weigh(history)
        n = len(self.catalog)
        self.fans: dict[int, dict] = defaultdict(dict)  # item index -> user -> weight
        for user, items in self.users.items():
            for item, w in items.items():
                i = self.catalog.index(item)
                if i is not None and w > 0:
                    self.fans[i][user] = w
        self.norm = np.zeros(n)
        count = np.zeros(n)
        for i, fans in self.fans.items():
            self.norm[i] = np.sqrt(sum(w * w for w in fans.values()))
            count[i] = len(fans)
        self.popular = np.log1p(count) / np.log1p(count.max()) if n and count.max() > 0 else np.zeros(n)
        self.user_items = {u: [(self.catalog.index(k), w) for k, w in items.items()
                               if self.catalog.index(k) is not None and w > 0] for u, items in self.users.items()}

    def _own(self, own) -> tuple[np.ndarray, list[str], list[dict]]:
        """The user's own pieces as rows of the same space (their embedding part is the catalog's mean)."""
        if not own:
            return np.zeros((0, self.z.shape[1]), np.float32), [], []
        x = (np.stack([o.content for o in own]) - self.mean) / self.std
        x = x / np.sqrt(x.shape[1])
        pad = np.zeros((len(own), self.z.shape[1] - x.shape[1]), np.float32)
        return _unit(np.concatenate([x, pad], 1).astype(np.float32)), [o.id for o in own], [o.tags for o in own]

    def recommend(self, user, own=(), n: int = 10, history=None) -> list[dict]:
        """The top `n` items for `user`: [{item, score, because, tags}], best first. `own`: the user's library
        pieces (`Item`s), offered to them alone; `history` ([(item, kind, value)]), the user's signals as they
        are now, replaces those the recommender was built with."""
        signals, kinds = self.users.get(user, {}), self.kinds.get(user, {})
        if history is not None:
            signals, kinds = weigh(history)
        oz, oids, otags = self._own(own)
        z = np.concatenate([self.z, oz]) if len(oz) else self.z
        ids = list(self.catalog.ids) + oids
        all_tags = list(self.catalog.tags) + otags
        if not len(ids):
            return []
        mine = {k: len(self.catalog) + j for j, k in enumerate(oids)}
        where = {k: i for k in signals if (i := self.catalog.index(k) if k not in mine else mine[k]) is not None}
        known = [(where[k], w) for k, w in signals.items() if k in where and w != 0]
        if not known:
            return self._cold(z, ids, all_tags, n, exclude=set(signals))
        rows = np.array([i for i, _ in known])
        w = np.array([w for _, w in known], np.float32)
        score = self.weights.content * _cos(z, w @ z[rows])
        score += self.weights.tags * self._tag_score(otags, rows, w)
        if self.weights.collab and self.fans:
            score[: len(self.catalog)] += self.weights.collab * self._collab_score(user, known)
        score[: len(self.catalog)] += self.weights.popular * self.popular
        score[[where[k] for k in signals if k in where]] = -np.inf  # already heard, rated or kept
        top = np.argsort(-score, kind="stable")[:n]
        return [{"item": ids[i], "score": round(float(score[i]), 4), "tags": all_tags[i],
                 "because": self._because(i, z, ids, all_tags, known, kinds)} for i in top if np.isfinite(score[i])]

    def _tag_score(self, own_tags, rows, w) -> np.ndarray:
        """Per item, the share of the user's weight on its tags (each tag value an integer code: vectorized)."""
        total = np.abs(w).sum()
        score = np.zeros(len(self.catalog) + len(own_tags), np.float32)
        for field, fw in TAG_WEIGHTS.items():
            codes, vocab = self._codes[field]
            if own_tags:
                vocab = dict(vocab)
                extra = [vocab.setdefault(t[field], len(vocab)) if t.get(field) else -1 for t in own_tags]
                codes = np.concatenate([codes, np.array(extra, np.int64)])
            mass = np.zeros(len(vocab) + 1, np.float32)  # the last slot, code -1: no such tag, no mass
            picked = codes[rows]
            np.add.at(mass, picked[picked >= 0], w[picked >= 0] / total)
            score += fw * mass[codes]
        return score

    def _collab_score(self, user, known) -> np.ndarray:
        n = len(self.catalog)
        score = np.zeros(n)
        for j, wj in known:
            if j >= n or wj <= 0 or j not in self.fans:
                continue
            for v, rvj in self.fans[j].items():  # co-likers of j
                if v == user:
                    continue
                for i, rvi in self.user_items.get(v, ()):
                    score[i] += wj * rvj * rvi / (self.norm[j] * self.norm[i])
        top = score.max()
        return score / top if top > 0 else score

    def _cold(self, z, ids, all_tags, n, exclude) -> list[dict]:
        n_cat = len(self.catalog)
        if n_cat and self.popular.max() > 0:
            order = [i for i in np.argsort(-self.popular, kind="stable")
                     if self.popular[i] > 0 and ids[i] not in exclude]
            return [{"item": ids[i], "score": round(float(self.popular[i]), 4), "tags": all_tags[i],
                     "because": "popular with other listeners"} for i in order[:n]]
        # before anyone likes anything: the most typical piece of each style, styles taken in turn
        by_style = defaultdict(list)
        for i, t in enumerate(all_tags):
            if ids[i] not in exclude:
                by_style[t.get("style")].append(i)
        queues = []
        for style, members in sorted(by_style.items(), key=lambda kv: -len(kv[1])):
            centre = _unit(z[members].mean(0, keepdims=True))[0]
            queues.append((style, sorted(members, key=lambda i: -float(z[i] @ centre))))
        out = []
        while len(out) < n and any(q for _, q in queues):
            for style, q in queues:
                if q and len(out) < n:
                    i = q.pop(0)
                    why = f"a typical {words.style_name(style)}, to begin with" if style else "from your library"
                    out.append({"item": ids[i], "score": 0.0, "tags": all_tags[i], "because": why})
        return out

    def _because(self, i, z, ids, all_tags, known, kinds) -> str:
        t = all_tags[i]
        liked = [(j, w) for j, w in known if w > 0]

        def kinds_of(js):
            return set().union(*(kinds.get(ids[j], {"rating"}) for j in js)) if js else set()

        for fields in (("kind", "key"), ("kind",), ("style",)):
            if not all(t.get(f) for f in fields):
                continue
            same = [j for j, _ in liked if all(all_tags[j].get(f) == t[f] for f in fields)]
            if len(same) >= 2:
                what = t["kind"] if "kind" in fields else words.style_name(t["style"])
                if "key" in fields:
                    what += f" in {t['key']}"
                return words.because(len(same), kinds_of(same), what)
        if liked:
            j = max(liked, key=lambda jw: float(z[jw[0]] @ z[i]))[0]
            return f"it sounds like {words.quoted(all_tags[j].get('title') or ids[j])}, which you " \
                   f"{words.verb(kinds_of([j]))}"
        return "close to what you like"


def weigh(history) -> tuple[dict, dict]:
    """({item: weight}, {item: signal kinds}) of one user's [(item, kind, value)]."""
    weights, kinds = {}, defaultdict(set)
    for item, kind, value in history:
        weights[item] = weights.get(item, 0.0) + preference(kind, value)
        kinds[item].add(kind)
    return weights, kinds


def _unit(x: np.ndarray) -> np.ndarray:
    norm = np.linalg.norm(x, axis=-1, keepdims=True)
    return (x / np.where(norm > 0, norm, 1.0)).astype(np.float32)


def _cos(z: np.ndarray, profile: np.ndarray) -> np.ndarray:
    norm = np.linalg.norm(profile)
    return z @ (profile / norm) if norm > 0 else np.zeros(len(z), np.float32)
