"""Voice-leading metrics for music in parts (four-voice chorales first): parallels, crossing, spacing, range.

The rules themselves (voices, sonorities, what a parallel or a crossing is) live in
`tunesmith.theory.voice_leading`, shared with sampling constraints and the assistant: the textbook rules of
common-practice part writing (Aldwell & Schachter, *Harmony and Voice Leading*, 4th ed., ch. 5-6). This
module counts them over a piece, the way automatic chorale evaluations count them (e.g. Liang et al. 2017, "Automatic
stylistic composition of Bach chorales with deep LSTM", ISMIR; Huang et al. 2017, "Counterpoint by
convolution", ISMIR). Every function returns NaN on a score without notes, and where it needs more voices
than there are.
"""

from __future__ import annotations

import math

import numpy as np

from tunesmith.score.model import Score
from tunesmith.theory.voice_leading import (
    MAX_UPPER_GAP,
    REST,
    SATB_RANGES,
    crossed,
    out_of_range,
    parallel,
    sonorities,
    too_wide,
    voices,
)

__all__ = [
    "REST", "SATB_RANGES", "out_of_range_notes", "parallel_fifths", "parallel_octaves", "sonorities",
    "spacing_violations", "voice_crossing_rate", "voices",
]


def _parallels(score: Score, interval_class: int) -> float:
    _, grid = sonorities(voices(score))
    if len(grid) < 2:
        return math.nan
    count = 0
    for a in range(len(grid)):
        for b in range(a + 1, len(grid)):
            x, y = grid[a], grid[b]
            count += int(parallel(x[:-1], y[:-1], x[1:], y[1:], interval_class).sum())
    return float(count)


def parallel_fifths(score: Score) -> float:
    """Number of parallel fifths: pairs of voices that move in the same direction from a perfect fifth
    (or compound fifth) to a perfect fifth, between consecutive sonorities (`theory.voice_leading.parallel`).

        count = sum over voice pairs (a, b) and sonority steps t -> t+1 of
                [|p_a - p_b| mod 12 = 7 at t and t+1] * [p_a and p_b both change, in the same direction]

    Fifths by contrary motion and a fifth held while another voice moves are not counted.
    """
    return _parallels(score, 7)


def parallel_octaves(score: Score) -> float:
    """Number of parallel octaves and unisons: as `parallel_fifths` with |p_a - p_b| mod 12 = 0."""
    return _parallels(score, 0)


def voice_crossing_rate(score: Score) -> float:
    """Share of sonorities with at least two sounding voices in which some voice sounds below a voice that
    is lower in the order (e.g. alto below tenor).

        rate = #{t : exists a above b with p_a(t) < p_b(t)} / #{t : at least 2 voices sound}
    """
    _, grid = sonorities(voices(score))
    if len(grid) < 2:
        return math.nan
    busy = (grid != REST).sum(0) >= 2
    hit = np.zeros(grid.shape[1], dtype=bool)
    for a in range(len(grid)):
        for b in range(a + 1, len(grid)):
            hit |= crossed(grid[a], grid[b])
    return float(hit[busy].mean()) if busy.any() else math.nan


def spacing_violations(score: Score, max_gap: int = MAX_UPPER_GAP) -> float:
    """Number of (sonority, voice pair) where adjacent upper voices (soprano-alto, alto-tenor: every
    adjacent pair but the lowest) are more than an octave apart; needs at least three voices.

        count = sum over t and adjacent pairs (v, v+1), v + 1 < V - 1, of [p_v(t) - p_{v+1}(t) > 12]
    """
    _, grid = sonorities(voices(score))
    if len(grid) < 3:
        return math.nan
    return float(sum(int(too_wide(grid[v], grid[v + 1], max_gap).sum()) for v in range(len(grid) - 2)))


def out_of_range_notes(score: Score) -> float:
    """Number of notes outside their voice's SATB range (`SATB_RANGES`); needs exactly four voices.

        count = sum over voices v of #{notes of v with pitch < low_v or pitch > high_v}
    """
    parts = voices(score)
    if len(parts) != 4:
        return math.nan
    return float(sum(int(out_of_range(n["pitch"], r).sum()) for n, r in zip(parts, SATB_RANGES, strict=True)))
