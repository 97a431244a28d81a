"""What a prepared corpus holds, counted from its piece records (no score is rebuilt): for the settings a model
trained on it should draw when a user leaves them open."""

from __future__ import annotations

from collections import Counter

from tunesmith.data.cache import Corpus, corpus_dir
from tunesmith.data.corpora import resolve
from tunesmith.score.model import PITCH_CLASS_NAMES

MODES = ("major", "minor")  # the modes a Key conditioning token can name


def key_prior(corpora, split: str = "train", root=None) -> dict[str, dict[str, int]]:
    """{style: {key token value ("G_major"): pieces}} over the pieces of `split` of the prepared `corpora`
    (names or groups, e.g. "folk"), untransposed: how often each key occurs in the real music, per style.

    Transposition augmentation shows a model every key equally often, so a model left to draw the key picks
    remote keys as often as common ones (40% of pieces with four or more sharps or flats, against 2-5% in
    the corpora); composing draws an open key from this instead. The key is the piece's first key
    signature, as `Conditioning.of` reads it for training; pieces without one are not counted."""
    prior: dict[str, Counter] = {}
    for name in resolve(corpora):
        corpus = Corpus.load(corpus_dir(name, root))
        for r in corpus.records:
            sigs = r["key_signatures"]
            if r["split"] != split or not sigs or sigs[0][2] not in MODES:
                continue
            _, tonic, mode = sigs[0]
            prior.setdefault(r["style"] or "none", Counter())[f"{PITCH_CLASS_NAMES[tonic % 12]}_{mode}"] += 1
    return {style: dict(c.most_common()) for style, c in sorted(prior.items())}
