"""Cadences named by Roman numerals at phrase ends: perfect and imperfect authentic, half, plagal, deceptive.

Where `theory.phrases` judges a cadence by chord roots in the notated key (for the musicianship bench),
this module names the five textbook kinds from the numerals of `theory.harmony`, in the local key at the
phrase end (Aldwell & Schachter, *Harmony and Voice Leading*, 4th ed., ch. 10; Caplin, *Classical Form*,
1998, ch. 3):

- PAC, perfect authentic: V(7) -> I, both in root position, the soprano on the tonic;
- IAC, imperfect authentic: V(7) or viio(7) -> I otherwise (an inversion, or the soprano on 3 or 5);
- HC, half: the phrase ends on V (root position), from anything;
- PC, plagal: IV or iv -> I;
- DC, deceptive: V(7) -> vi (VI in minor).

The phrase ends are the score's fermatas when it has them (a chorale's), else `theory.phrases.phrase_ends`.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from tunesmith.score.model import KeySignature, Score
from tunesmith.theory.harmony import Harmony
from tunesmith.theory.phrases import phrase_ends
from tunesmith.theory.roman import Numeral

KINDS = {"PAC": "perfect authentic cadence", "IAC": "imperfect authentic cadence", "HC": "half cadence",
         "PC": "plagal cadence", "DC": "deceptive cadence"}


class Cadence(NamedTuple):
    tick: int  # where the cadence arrives: the phrase end
    kind: str  # a key of KINDS
    key: KeySignature
    approach: str  # the numeral before the arrival
    arrival: str  # the numeral at the phrase end


def phrase_boundaries(score: Score) -> np.ndarray:
    """Ticks where phrases end: the score's fermatas if it has any, else `theory.phrases.phrase_ends`."""
    if score.fermatas:
        return np.array(score.fermatas, dtype=np.int64)
    return phrase_ends(score)


def _step(n: Numeral, key: KeySignature) -> int:
    return (n.root - key.tonic) % 12


def _is_tonic(n: Numeral, key: KeySignature) -> bool:
    return n.secondary is None and _step(n, key) == 0 and n.quality in ("maj", "min")


def _is_dominant(n: Numeral, key: KeySignature) -> bool:
    return n.secondary is None and _step(n, key) == 7 and n.quality in ("maj", "7")


def _is_leading(n: Numeral, key: KeySignature) -> bool:
    return n.secondary is None and _step(n, key) == 11 and n.quality in ("dim", "dim7", "m7b5")


def cadence_kind(before: Numeral | None, at: Numeral | None, key: KeySignature,
                 soprano: int | None = None) -> str | None:
    """The kind of cadence (a key of KINDS) from the numeral before the phrase end to the one at it, or
    None; `soprano` is the pitch class of the highest voice at the arrival."""
    if at is None:
        return None
    root_position = at.bass == at.root
    if _is_dominant(at, key) and root_position:
        return "HC"
    if before is None:
        return None
    if _is_tonic(at, key):
        if _is_dominant(before, key):
            perfect = root_position and before.bass == before.root and soprano == key.tonic
            return "PAC" if perfect else "IAC"
        if _is_leading(before, key):
            return "IAC"
        if before.secondary is None and _step(before, key) == 5 and before.quality in ("maj", "min"):
            return "PC"
    submediant = (at.quality, _step(at, key)) in (("min", 9), ("maj", 8))
    if submediant and at.secondary is None and _is_dominant(before, key):
        return "DC"
    return None


def cadences(score: Score, harmony: list[Harmony], ends=None, soprano: np.ndarray | None = None) -> list[Cadence]:
    """The cadence at each phrase end (`phrase_boundaries` unless `ends` is given) of merged harmony
    (`theory.harmony.merged`); `soprano` is the highest voice's notes, for PAC's soprano on the tonic."""
    ends = phrase_boundaries(score) if ends is None else np.asarray(ends, dtype=np.int64)
    spans = [h for h in harmony if h.numeral is not None]
    starts = np.array([h.tick for h in spans])
    out = []
    for tick in ends.tolist():
        i = int(np.searchsorted(starts, tick, side="right")) - 1
        if i < 0:
            continue
        at = spans[i]
        j = i - 1
        while j >= 0 and spans[j].numeral.figure == at.numeral.figure:
            j -= 1
        before = spans[j].numeral if j >= 0 else None
        top = None
        if soprano is not None and len(soprano):
            k = int(np.searchsorted(soprano["start"], tick, side="right")) - 1
            top = int(soprano["pitch"][k]) % 12 if k >= 0 else None
        kind = cadence_kind(before, at.numeral, at.key, top)
        if kind:
            out.append(Cadence(int(tick), kind, at.key, before.figure if before else "", at.numeral.figure))
    return out
