"""Deterministic train/valid/test splits by piece id, made before any augmentation."""

from __future__ import annotations

import hashlib

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
