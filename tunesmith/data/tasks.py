"""Conditional tasks as masks over a voice grid, and the source/target pairs they make from training arrays.

A voice-grid sequence is [BOS, cond..., S0 A0 T0 B0, S1 A1 ..., EOS]: one cell per voice per step. A task
masks cells of the source (the `Mask` token) and learns the target's tokens there (Coconet's view, Huang et al.
2017: harmonizing and infilling are the same problem with different masks):

    harmonize     every cell of the voices below the top one: the melody given, the rest written
    infill        a span of steps, in all voices or a few: the music before *and after* it given
    infill-left   the same span with everything after it masked too (not learned): the left context only,
                  what a left-to-right model sees; trained beside infill so that one model measures both

Pairs are made from tokenized arrays (tunesmith.data.arrays), split by split, so no piece of valid or test
reaches training and the train split keeps its transpositions. Each train sequence gets one task drawn from
the mix, with a generator seeded by its piece and transposition (the same pairs on every machine); valid and
test get every task of the mix once per piece, so that validation weighs the tasks as the mix does.
"""

from __future__ import annotations

import hashlib
import logging

import numpy as np

from tunesmith.errors import ConfigError
from tunesmith.representation.base import CONDITIONING_FAMILIES

log = logging.getLogger(__name__)

TASKS = ("harmonize", "infill", "infill-left")
SPAN_BEATS = (4, 16)  # an infilled span: 1 to 4 bars of 4/4, in whole beats (quarters)


def parse_mix(text: str) -> dict[str, float]:
    """"harmonize:0.5,infill:0.35,infill-left:0.15" -> {task: weight}; a bare task name weighs 1."""
    mix = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, _, weight = part.partition(":")
        if name not in TASKS:
            raise ConfigError(f"unknown task {name!r}; valid: {', '.join(TASKS)}")
        try:
            mix[name] = float(weight) if weight else 1.0
        except ValueError:
            raise ConfigError(f"task {name}: weight {weight!r} is not a number") from None
        if not mix[name] > 0:
            raise ConfigError(f"task {name}: weight must be positive")
    if not mix:
        raise ConfigError(f"no task given; valid: {', '.join(TASKS)}")
    return mix


def draw_mask(task: str, steps: int, voices: int, spq: int, rng: np.random.Generator):
    """(learn (steps, voices) bool, hidden (steps, voices) bool) for one sequence: the cells to write and the
    cells masked but not learned."""
    learn = np.zeros((steps, voices), np.bool_)
    hidden = np.zeros_like(learn)
    if task == "harmonize":
        if voices < 2:
            raise ConfigError("harmonizing needs a grid of two voices or more")
        learn[:, 1:] = True
        return learn, hidden
    beats = int(rng.integers(SPAN_BEATS[0], SPAN_BEATS[1] + 1))
    length = min(steps, beats * spq)
    start = int(rng.integers(0, max(1, (steps - length) // spq + 1))) * spq
    chosen = np.ones(voices, np.bool_)
    if voices > 1 and rng.random() < 0.5:  # a few voices only (--voices alto,tenor)
        chosen = rng.random(voices) < 0.5
        if not chosen.any():
            chosen[rng.integers(voices)] = True
    learn[start:start + length, chosen] = True
    if task == "infill-left":
        hidden[start + length:] = True
    return learn, hidden


def mask_sequence(ids, prefix: int, voices: int, learn: np.ndarray, hidden: np.ndarray, mask_id: int):
    """(src, learned (len(ids),) uint8) of a voice-grid sequence: masked cells replaced by `mask_id`."""
    ids = np.asarray(ids, np.int64)
    src = ids.copy()
    flags = np.zeros(len(ids), np.uint8)
    cells = learn.shape[0] * voices
    body = slice(prefix, prefix + cells)
    src[body][(learn | hidden).ravel()] = mask_id
    flags[body][learn.ravel()] = 1
    return src, flags


def _rng(piece: str, shift: int, task: str, seed: int) -> np.random.Generator:
    digest = hashlib.sha256(f"{seed}:{piece}:{shift}:{task}".encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:8], "big"))


def pairs_from_arrays(arrays, mix: dict[str, float], out, seed: int = 0, splits=("train", "valid", "test")):
    """Write the pairs of `mix` ({task: weight}) over voice-grid training arrays to `out`
    (tunesmith.data.pairs); returns the PairArrays."""
    from tunesmith.data.pairs import MASK, PairArrays, write_pairs

    tok = arrays.tokenizer()
    if tok.name != "voicegrid":
        raise ConfigError(f"tasks are masks over a voice grid; {arrays.folder} holds {tok.name} tokens")
    voices, spq = tok.config["voices"], tok.config["steps_per_quarter"]
    if "harmonize" in mix and voices < 2:
        raise ConfigError("harmonizing needs a grid of two voices or more; this one has one")
    prefix = 1 + len(CONDITIONING_FAMILIES)  # BOS and one token per family
    conditioning = {i for i, n in enumerate(tok.vocab.names) if n.split("_")[0] in CONDITIONING_FAMILIES}
    mask_id = len(tok.vocab)
    skipped = []
    names = sorted(mix)
    weights = np.array([mix[n] for n in names]) / sum(mix.values())

    def split_pairs(split):
        meta = arrays.meta["splits"][split]
        for ids, piece, shift in zip(arrays.sequences(split), meta["pieces"], meta["transpositions"]):
            steps = (len(ids) - prefix - 1) // voices
            # a piece without a key token (a mode neither major nor minor) would shift every cell of a crop
            if steps < 1 or not all(int(i) in conditioning for i in ids[1:prefix]):
                skipped.append(piece)
                continue
            tasks = [names[_rng(piece, shift, "", seed).choice(len(names), p=weights)]] if split == "train" else names
            for task in tasks:
                learn, hidden = draw_mask(task, steps, voices, spq, _rng(piece, shift, task, seed))
                src, flags = mask_sequence(ids, prefix, voices, learn, hidden, mask_id)
                yield piece, shift, src, np.asarray(ids), flags

    layout = {"prefix": prefix, "stride": voices}
    source = {**arrays.meta.get("source", {}), "tokens": str(arrays.folder)}
    write_pairs(out, tok, {s: split_pairs(s) for s in splits if s in arrays.meta["splits"]}, layout,
                {"mix": mix, "seed": seed, "mask": MASK}, arrays.meta.get("augmentation"), source)
    if skipped:
        log.info("%d sequences without a full conditioning prefix or body left out (e.g. %s)", len(skipped),
                 skipped[0])
    return PairArrays.load(out)
