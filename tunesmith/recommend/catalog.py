"""The pieces the recommender can offer everyone: the built-in corpora's pieces, each with its content
vector (tunesmith.recommend.features), its model embedding (tunesmith.recommend.embed) and its tags.

Built from the prepared corpus cache once and kept beside it (<cache>/recommend/<corpora>.npz + .json);
rebuilt when a corpus is prepared again. Without prepared corpora the catalog is empty and says how to
prepare them; a user's own pieces are added per request by the recommender, never shared with others.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field

import numpy as np

from tunesmith.recommend.features import DIM, tags, vector

log = logging.getLogger(__name__)
VERSION = 1


@dataclass
class Catalog:
    ids: list[str]  # "corpus:<piece id>"
    content: np.ndarray  # (N, DIM) float32
    embedding: np.ndarray | None  # (N, E) float32, or None
    tags: list[dict]  # per item: style, collection, key, meter, kind, title
    note: str = ""  # why it is empty, if it is
    _index: dict = field(default_factory=dict, repr=False)

    def __len__(self) -> int:
        return len(self.ids)

    def index(self, item: str) -> int | None:
        if not self._index and self.ids:
            self._index = {k: i for i, k in enumerate(self.ids)}
        return self._index.get(item)

    @classmethod
    def empty(cls, note: str = "") -> Catalog:
        return cls([], np.zeros((0, DIM), np.float32), None, [], note)

    @classmethod
    def build(cls, items, embed: bool = True, progress=None) -> Catalog:
        """A catalog of (corpus piece id, Score, record) triples; `embed` adds the model embeddings."""
        ids, vectors, scores, item_tags = [], [], [], []
        for pid, score, record in items:
            ids.append(f"corpus:{pid}")
            vectors.append(vector(score))
            scores.append(score)
            item_tags.append({**tags(record.get("style"), record.get("collection"), record.get("key"),
                                     record.get("meter")), "title": record.get("title") or pid})
            if progress and len(ids) % 500 == 0:
                progress(len(ids))
        emb = None
        if embed and scores:
            from tunesmith.recommend.embed import embeddings

            emb = embeddings(scores)
        content = np.stack(vectors) if vectors else np.zeros((0, DIM), np.float32)
        return cls(ids, content, emb, item_tags)

    @classmethod
    def of_corpora(cls, names, root=None, embed: bool = True, build: bool = True) -> Catalog | None:
        """The catalog of prepared corpora (names or groups, e.g. ("chorales", "folk")), from its saved copy
        when it is newer than every corpus, else built and saved (or None with build=False); empty, with a
        note, when none is prepared."""
        from tunesmith.data.cache import Corpus, cache_root, corpus_dir
        from tunesmith.data.corpora import resolve
        from tunesmith.errors import TunesmithError

        corpora, missing = [], []
        for name in resolve(list(names)):
            try:
                corpora.append(Corpus.load(corpus_dir(name, root)))
            except TunesmithError:
                missing.append(name)
        if not corpora:
            return cls.empty(f"no built-in corpus is prepared: run `tunesmith data prepare --corpus "
                             f"{','.join(names)}` to be offered their pieces")
        folder = (root or cache_root()) / "recommend"
        stem = folder / ("-".join(c.name for c in corpora) + ("" if embed else "-noembed"))
        newest = max((c.folder / "index.json").stat().st_mtime for c in corpora)
        if stem.with_suffix(".json").is_file() and stem.with_suffix(".json").stat().st_mtime >= newest:
            catalog = cls.load(stem)
            if catalog is not None:
                return catalog
        if not build:
            return None
        t0 = time.perf_counter()
        catalog = cls.build(((r["id"], c.score(i), r) for c in corpora for i, r in enumerate(c.records)), embed)
        log.info("catalog of %d pieces built in %.1f s", len(catalog), time.perf_counter() - t0)
        catalog.save(stem)
        if missing:
            catalog.note = f"not prepared: {', '.join(missing)}"
        return catalog

    def save(self, stem) -> None:
        """<stem>.npz (arrays) and <stem>.json (ids and tags), the .json last: its presence means complete."""
        stem.parent.mkdir(parents=True, exist_ok=True)
        arrays = {"content": self.content}
        if self.embedding is not None:
            arrays["embedding"] = self.embedding
        tmp = stem.with_name(stem.name + ".tmp.npz")
        np.savez(tmp, **arrays)
        tmp.replace(stem.with_suffix(".npz"))
        text = json.dumps({"version": VERSION, "ids": self.ids, "tags": self.tags})
        tmp = stem.with_name(stem.name + ".tmp.json")
        tmp.write_text(text)
        tmp.replace(stem.with_suffix(".json"))

    @classmethod
    def load(cls, stem) -> Catalog | None:
        meta = json.loads(stem.with_suffix(".json").read_text())
        if meta.get("version") != VERSION or not stem.with_suffix(".npz").is_file():
            return None
        with np.load(stem.with_suffix(".npz"), allow_pickle=False) as z:
            emb = z["embedding"] if "embedding" in z.files else None
            return cls(meta["ids"], z["content"], emb, meta["tags"])
