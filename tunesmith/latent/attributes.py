"""Attribute vectors: MusicVAE's latent arithmetic (Roberts et al. 2018, section 5.3). The vector of an
attribute is the mean latent code of training excerpts that have much of it minus the mean of those that have
little (the top and bottom quartiles of a measured attribute, or the excerpts of one style against the rest);
adding it to a code moves the decoded music toward the attribute: a second route to style transfer.

Vectors are computed once from the model's training excerpts and kept beside the model (`attributes.json`),
so that `tunesmith vary --attribute denser` needs no prepared corpus."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from tunesmith.errors import TunesmithError

FILE = "attributes.json"


def _onsets(ids: np.ndarray, vocab) -> np.ndarray:
    return np.isin(ids, vocab.ids("Pitch_")).sum(1).astype(np.float64)


def _mean_pitch(ids: np.ndarray, vocab) -> np.ndarray:
    first, low = vocab.ids("Pitch_")[0], int(vocab.name(vocab.ids("Pitch_")[0]).split("_")[1])
    pitch = np.where(ids >= first, ids - first + low, np.nan)
    with np.errstate(all="ignore"):
        return np.nanmean(pitch, axis=1)


# name -> (what it means, how to split excerpts): a measure (quartiles) or a conditioning token (that one or not)
MEASURES = {"denser": ("more notes begin", _onsets), "higher": ("a higher mean pitch", _mean_pitch)}
TOKENS = {"irish": "Style_irish", "scottish": "Style_scottish", "chinese": "Style_chinese", "minor": "Key_*_minor"}


def _token_rows(cond: np.ndarray, vocab, pattern: str) -> np.ndarray:
    if "*" in pattern:
        head, tail = pattern.split("*")
        ids = [i for i in range(len(vocab)) if vocab.name(i).startswith(head) and vocab.name(i).endswith(tail)]
    else:
        ids = [vocab[pattern]] if pattern in vocab else []
    return np.isin(cond, ids).any(1)


def attribute_vectors(space, excerpts, n: int = 4096, seed: int = 0) -> dict:
    """{name: {"what", "vector": [D floats], "with": count, "without": count}} from up to `n` training excerpts
    of `excerpts` (tunesmith.data.excerpts.Excerpts) drawn at random; attributes with fewer than 32 excerpts
    on either side are left out."""
    rng = np.random.default_rng(seed)
    data, cond = excerpts.split("train"), excerpts.conditioning("train")
    rows = np.sort(rng.choice(len(data), size=min(n, len(data)), replace=False))
    ids, cond = np.asarray(data[rows], np.int64), np.asarray(cond[rows], np.int64)
    mu = np.concatenate([space.encode(ids[i:i + 256])[0] for i in range(0, len(ids), 256)])
    vocab = space.tokenizer.vocab
    splits = {}
    for name, (what, measure) in MEASURES.items():
        v = measure(ids, vocab)
        lo, hi = np.nanquantile(v, [0.25, 0.75])
        splits[name] = (what, v >= hi, v <= lo)
    for name, pattern in TOKENS.items():
        has = _token_rows(cond, vocab, pattern)
        splits[name] = (f"pieces marked {pattern.replace('*', '...')}", has, ~has)
    out = {}
    for name, (what, pos, neg) in splits.items():
        if pos.sum() >= 32 and neg.sum() >= 32:
            vector = mu[pos].mean(0) - mu[neg].mean(0)
            out[name] = {"what": what, "vector": [round(float(x), 6) for x in vector], "with": int(pos.sum()),
                         "without": int(neg.sum())}
    return out


def save(vectors: dict, folder) -> Path:
    path = Path(folder) / FILE
    path.write_text(json.dumps(vectors, indent=1))
    return path


def load(space) -> dict:
    """The attribute vectors kept beside a model ({} if none were computed)."""
    path = Path(space.path) / FILE
    if not path.is_file():
        return {}
    vectors = json.loads(path.read_text())
    for name, v in vectors.items():
        if len(v.get("vector", [])) != space.latent:
            raise TunesmithError(f"{path}: the vector {name!r} has {len(v.get('vector', []))} numbers, the "
                                 f"latent space {space.latent}")
    return vectors


def vector(space, name: str) -> np.ndarray:
    """One attribute's vector, or a TunesmithError listing the model's attributes."""
    vectors = load(space)
    if name not in vectors:
        have = ", ".join(sorted(vectors)) or "none computed (python scripts/ship_vae.py computes them)"
        raise TunesmithError(f"{space.name} has no attribute {name!r}; it has: {have}")
    return np.asarray(vectors[name]["vector"], np.float32)
