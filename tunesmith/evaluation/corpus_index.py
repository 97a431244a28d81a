"""Which originality index a piece is checked against: the one shipped beside a model, or one built on the
spot from the prepared cache of corpus splits.

A shipped model carries the index of its training corpora's train split in <model>/originality/
(index.json + ngrams.npz, written by `python scripts/ship_index.py`), so a clean install checks originality
without the corpus cache, and loading it takes milliseconds. A checkpoint trained here carries none: the
cache of its training corpora stands in (indexing the 10,000 folk tunes takes about 2 s).
"""

from __future__ import annotations

import logging
import math
import time
from pathlib import Path

from tunesmith.errors import ConfigError, TunesmithError
from tunesmith.evaluation.originality import NGRAM, Index, build_index, originality
from tunesmith.score.model import Score

log = logging.getLogger(__name__)
FOLDER = "originality"  # the index's folder inside a model folder
SPLIT = "train"  # what a model has learned from


def label(corpora, split: str) -> str:
    """'chorales:train'; corpora that make up a group go by the group's name ('folk:train'). A label is a
    valid `corpus_index` spec."""
    from tunesmith.data.corpora import GROUPS

    names = tuple(corpora)
    group = next((g for g, members in GROUPS.items() if tuple(members) == names), None)
    return f"{group or ','.join(names)}:{split}"


def index_corpora(corpora, split: str = SPLIT) -> Index:
    """Index one split of prepared corpora (`tunesmith.data.cache.Corpus` objects)."""
    t0 = time.perf_counter()
    source = label([c.name for c in corpora], split)
    index = build_index(((pid, s) for c in corpora for pid, s in c.scores(split)), source=source)
    if not len(index):
        raise TunesmithError(f"{source}: the split is empty")
    log.info("indexed %s: %d pieces in %.2f s", source, len(index), time.perf_counter() - t0)
    return index


def corpus_index(spec: str) -> Index:
    """The index of a prepared corpus split written CORPUS[:SPLIT], e.g. 'chorales', 'folk:valid',
    'chorales,folk:train'; the split defaults to train."""
    from tunesmith.data.prepare import load_corpora
    from tunesmith.data.splits import SPLITS

    corpus, _, split = spec.partition(":")
    split = split or SPLIT
    if split not in SPLITS:
        raise ConfigError(f"{spec}: unknown split {split!r}; valid: {', '.join(SPLITS)}")
    return index_corpora(load_corpora(corpus), split)


def model_index(folder, config: dict | None = None) -> Index:
    """The index of a model's training data: shipped beside it, else built from the cache of its training
    corpora (train split). With neither, a TunesmithError says what to prepare."""
    folder = Path(folder)
    if (folder / FOLDER / "index.json").is_file():
        return Index.load(folder / FOLDER)
    from tunesmith.data.cache import Corpus, corpus_dir

    if config is None:  # only here: importing tunesmith.models imports torch (a second), not needed above
        from tunesmith.models.checkpoint import read_config

        config = read_config(folder)
    names = ((config.get("data") or {}).get("source") or {}).get("corpora") or []
    if not names:
        raise TunesmithError(f"{folder.name}: no originality index shipped, and no training corpus named")
    try:
        return index_corpora([Corpus.load(corpus_dir(n)) for n in names])
    except TunesmithError as e:
        raise TunesmithError(f"{folder.name}: no originality index shipped, and {e}") from None


def check(score: Score, index: Index, n: int = NGRAM) -> dict:
    """`originality` as strict JSON (None for NaN, the overlap to 4 places), with n and the index used."""
    r = originality(score, index, n)
    run, overlap = r["longest_shared_run"], r["ngram_overlap"]
    return {"longest_shared_run": None if math.isnan(run) else int(run),
            "longest_match_piece": r["longest_match_piece"],
            "ngram_overlap": None if math.isnan(overlap) else round(overlap, 4),
            "melody_notes": r["melody_notes"], "n": n, "index": index.source, "index_pieces": len(index)}


# --- the motif memory: one index over every prepared corpus, every split ---------------------------------------
MEMORY = "motifs"  # its folder under the cache root


def prepared_corpora(root: Path | None = None) -> list[str]:
    """Names of the corpora prepared in the cache (built-in and the user's own, `data prepare --midi-dir`)."""
    from tunesmith.data.cache import cache_root

    folder = (root or cache_root()) / "corpora"
    return sorted(p.name for p in folder.glob("*") if (p / "index.json").is_file()) if folder.is_dir() else []


def memory_index(corpora=None, root: Path | None = None) -> Index:
    """The melody index of every piece of the prepared `corpora` (default: all of them), every split: the
    originality index's structure over everything, for "where else does this motif occur?". Built once
    (about a second for the 13,000 built-in pieces) and kept under <cache>/motifs, rebuilt when a corpus
    changes. A TunesmithError if nothing is prepared."""
    import hashlib
    import json
    import shutil

    from tunesmith.data.cache import Corpus, cache_root, corpus_dir

    names = sorted(corpora) if corpora is not None else prepared_corpora(root)
    if not names:
        raise TunesmithError("no corpus is prepared; run `tunesmith data prepare --corpus all` (or --midi-dir "
                             "for your own pieces)")
    stamp = []
    for n in names:
        f = corpus_dir(n, root) / "index.json"
        if not f.is_file():
            raise TunesmithError(f"corpus {n!r} is not prepared; run `tunesmith data prepare --corpus {n}`")
        stamp.append([n, f.stat().st_size, f.stat().st_mtime_ns])
    digest = hashlib.sha1(json.dumps(stamp).encode()).hexdigest()[:16]
    folder = (root or cache_root()) / MEMORY / digest
    if (folder / "index.json").is_file():
        try:
            return Index.load(folder)
        except TunesmithError as e:  # half-written or of another version: build it again
            log.warning("motif index rebuilt: %s", e)
    t0 = time.perf_counter()
    corpora_ = [Corpus.load(corpus_dir(n, root)) for n in names]
    index = build_index(((pid, s) for c in corpora_ for pid, s in c.scores()), source=",".join(names) + ":all")
    try:
        from tunesmith.atomic import atomic_folder

        with atomic_folder(folder) as tmp:
            index.save(tmp)
        for old in folder.parent.iterdir():  # indexes of corpora as they were before
            if old.is_dir() and old.name != digest and not old.name.startswith("."):
                shutil.rmtree(old, ignore_errors=True)
    except OSError as e:  # a read-only cache still answers, from memory
        log.warning("motif index not saved: %s", e)
    log.info("motif index of %s: %d pieces in %.2f s", ", ".join(names), len(index), time.perf_counter() - t0)
    return index


def merged(a: Index, b: Index) -> Index:
    """One index of two: `b`'s pieces after `a`'s (e.g. a studio library's pieces after the corpora)."""
    import numpy as np

    if a.seed != b.seed:
        raise ConfigError(f"indexes of seed {a.seed} and {b.seed} cannot be merged")
    shift = int(a.offsets[-1])
    keys = np.concatenate([a.keys, b.keys])
    positions = np.concatenate([a.positions.astype(np.int64), b.positions.astype(np.int64) + shift])
    order = np.lexsort((positions, keys))
    offsets = np.concatenate([a.offsets.astype(np.int64), b.offsets[1:].astype(np.int64) + shift])
    return Index(a.ids + b.ids, keys[order], positions[order], offsets, a.seed, f"{a.source}+{b.source}")
