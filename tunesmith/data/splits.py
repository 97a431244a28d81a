"""Deterministic train/valid/test splits by piece, made before any augmentation.

A piece's split is a hash of its *group*: the opening of its first voice (its first intervals), so that two
settings of one tune (Bach harmonized many chorale melodies more than once; Essen holds variants of one
song) land in the same split and never straddle train and valid. A piece too short to have an opening
is its own group."""

from __future__ import annotations

import hashlib

import numpy as np

SPLITS = ("train", "valid", "test")
FRACTIONS = (0.8, 0.1, 0.1)


def split_of(piece_id: str, fractions=FRACTIONS) -> str:
    """The split a piece belongs to: a hash of its id, so it never depends on order, count or machine."""
    u = int.from_bytes(hashlib.sha256(piece_id.encode()).digest()[:8], "big") / 2**64
    edge = 0.0
    for name, frac in zip(SPLITS, fractions):
        edge += frac
        if u < edge:
            return name
    return SPLITS[-1]


OPENING = 10  # intervals of the first voice that name a tune


def group_of(piece_id: str, score) -> str:
    """The split group of a piece: its first voice's opening intervals, transposition-invariant."""
    tracks = [t for t in score.tracks if not t.is_drum and len(t)]
    if not tracks:
        return piece_id
    notes = tracks[0].notes
    # a monophonic line: the top note of each onset
    last = np.r_[notes["start"][1:] != notes["start"][:-1], True]
    pitches = notes["pitch"][last].astype(int)
    if len(pitches) <= OPENING:
        return piece_id
    return "opening:" + ",".join(map(str, np.diff(pitches[: OPENING + 1])))
