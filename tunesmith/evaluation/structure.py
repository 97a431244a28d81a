"""Structure of a piece: how it opens, which bars it repeats, what it holds over bar lines, how its phrases
end. Pure functions `Score -> float`, NaN on a score without notes (and where the docstring says).

These measure the musicianship table of `bench/musicianship.py` (phrases, openings, repetition, cadences).
They are not in `METRICS`: the metrics classifier of `tunesmith evaluate` is the yardstick that table
reports beside them, and adding features to it would move that yardstick while the work it measures goes on.
Phrase ends and cadences are defined once, in `tunesmith.theory.phrases`.
"""

from __future__ import annotations

import math

import numpy as np

from tunesmith.score.model import Score
from tunesmith.theory.phrases import bar_edges, cadence_at, melody, phrase_ends, phrase_start


def first_bar_silent(score: Score) -> float:
    """1.0 if no note begins in the first bar (tick 0 up to the first bar line), else 0.0. A pickup begins
    in the first bar (readers pad it to a full bar), so a tune opening with a pickup is not silent."""
    notes = score.all_notes()
    if not len(notes):
        return math.nan
    return float(notes["start"].min() >= bar_edges(score)[1])


def bar_repeats(score: Score, bars: int = 1) -> float:
    """Share of units of `bars` bars that repeat an earlier unit exactly:

        rate = #{k : exists j < k with unit_j = unit_k} / #units

    Units are counted from `theory.phrases.phrase_start` (a pickup is in none) and only whole ones, those
    in which some note begins; a unit's content is (track, onset from the unit's start, duration, pitch) of
    every note beginning in it, so a transposed or re-rhythmed repeat does not count. NaN with no unit.
    """
    notes = [(i, t.notes) for i, t in enumerate(score.tracks) if not t.is_drum and len(t)]
    if not notes:
        return math.nan
    edges = bar_edges(score)[phrase_start(score):]
    bounds = edges[::bars]  # unit starts, and the end of the last whole unit
    if len(bounds) < 2:
        return math.nan
    rows = []
    for track, n in notes:
        unit = np.searchsorted(bounds, n["start"], side="right") - 1
        keep = (unit >= 0) & (unit < len(bounds) - 1)
        u = unit[keep]
        rows.append(np.stack([u, np.full(len(u), track), n["start"][keep] - bounds[u], n["duration"][keep],
                              n["pitch"][keep].astype(np.int64)], 1))
    rows = np.concatenate(rows)
    if not len(rows):
        return math.nan
    rows = rows[np.lexsort(rows.T[::-1])]  # by unit, then the note fields: a canonical content per unit
    cut = np.flatnonzero(np.diff(rows[:, 0])) + 1
    seen: set[bytes] = set()
    repeats = units = 0
    for r in np.split(rows, cut):
        content = r[:, 1:].tobytes()
        repeats += content in seen
        units += 1
        seen.add(content)
    return repeats / units


def repeated_bars(score: Score) -> float:
    """Share of bars that repeat an earlier bar exactly (`bar_repeats` with units of one bar)."""
    return bar_repeats(score, 1)


def repeated_bar_pairs(score: Score) -> float:
    """Share of 2-bar units that repeat an earlier 2-bar unit exactly (`bar_repeats` with units of two)."""
    return bar_repeats(score, 2)


def ties_over_bar_lines(score: Score) -> float:
    """Notes sounding over a bar line (written tied across it), per bar line:

        rate = #{(note, line) : start < line < start + duration} / #lines

    over the bar lines after the first onset and before the last note ends, all voices counted (a chorale
    can hold up to four notes over one line). NaN when the piece crosses no bar line.
    """
    notes = score.all_notes()
    if not len(notes):
        return math.nan
    edges = bar_edges(score)
    end = notes["start"] + notes["duration"]
    lines = edges[(edges > notes["start"].min()) & (edges < end.max())]
    if not len(lines):
        return math.nan
    first = np.searchsorted(lines, notes["start"], side="right")  # first line after each onset
    last = np.searchsorted(lines, end, side="left")  # lines before each end
    return float(np.maximum(last - first, 0).sum() / len(lines))


def cadence_rate(score: Score, ends=None) -> float:
    """Share of phrase ends that close with a cadence (`theory.phrases.cadence_at`):

        rate = #{phrase ends with an authentic, plagal or half cadence (full or half close in a melody)}
               / #phrase ends

    `ends`: the ticks of the phrase ends when the caller knows them (a chorale's fermatas), else those of
    `theory.phrases.phrase_ends` (the long note closing each 2-bar unit). NaN without a phrase end.
    """
    if not score.note_count:
        return math.nan
    ends = phrase_ends(score) if ends is None else np.unique(np.asarray(ends, dtype=np.int64))
    if not len(ends):
        return math.nan
    return float(np.mean([cadence_at(score, int(t)) is not None for t in ends]))


def final_cadence(score: Score) -> float:
    """1.0 if the piece closes with a full cadence on its last melody note, else 0.0:

        [cadence_at(last onset of the melody) in {authentic, plagal, full}]

    (`theory.phrases.cadence_at`: V(7) -> I or IV -> I in parts, 1 or 3 reached from a tone of V7 or IV in
    a melody). A half close at the very end does not count: it leaves the piece open.
    """
    line = melody(score)
    if not len(line):
        return math.nan
    return float(cadence_at(score, int(line["start"][-1])) in ("authentic", "plagal", "full"))
