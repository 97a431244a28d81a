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
