"""Bar-level repetition: how much a piece reuses its own bars, and the bar onset grid groove metrics share.

Repetition is what separates a composed piece from a plausible note stream (Yang & Lerch 2018, section
5, list "structure" among what their features miss; Dai, Jin, Gomes & Dannenberg 2021, "Controllable deep
melody generation via hierarchical music structure representation", measure it as bar self-similarity).
Bars follow the score's time-signature map; a note belongs to the bar of its onset.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import NamedTuple

import numpy as np

from tunesmith.score.model import TPQ, Score

STEP = TPQ // 4  # the onset grid: 16th notes


class BarGrid(NamedTuple):
    onsets: np.ndarray  # (B, Q, 12) bool: a note of pitch class c starts at grid position q of bar b
    positions: np.ndarray  # (B,) grid positions in each bar (16 in 4/4)
    bar: np.ndarray  # (N,) bar of each note of score.all_notes(), 0 = the bar of the first onset
    offset: np.ndarray  # (N,) ticks from its bar's start to each note's onset
    notes: np.ndarray  # (N,) score.all_notes()


def bar_grid(score: Score, step: int = STEP) -> BarGrid | None:
    """The onsets of every bar from the first to the last onset on a grid of `step` ticks (None if empty)."""
    notes = score.all_notes()
    if not len(notes):
        return None
    starts = score.bar_starts(int(notes["start"].max()) + 1)
    sig = [s for s in score.time_signatures if s.tick <= starts[-1]] or [score.time_signatures[0]]
    edges = np.append(starts, starts[-1] + sig[-1].bar_ticks)
    bar = np.clip(np.searchsorted(starts, notes["start"], side="right") - 1, 0, None)
    offset = notes["start"] - starts[bar]
    first, last = int(bar.min()), int(bar.max())
    positions = np.maximum(-(-np.diff(edges)[first:last + 1] // step), 1)  # ceil(bar length / step)
    bar = bar - first
    pos = np.clip(np.rint(offset / step).astype(np.int64), 0, positions[bar] - 1)
    onsets = np.zeros((last - first + 1, int(positions.max()), 12), dtype=bool)
    onsets[bar, pos, notes["pitch"] % 12] = True
    return BarGrid(onsets, positions, bar, offset, notes)


def bar_self_similarity(score: Score) -> float:
    """Mean over non-empty bars of the highest cosine similarity with any other bar:

        S = 1/B sum_i max_{j != i} <v_i, v_j> / (|v_i| |v_j|)

    v_i is bar i's binary onset matrix (16th-note position x pitch class, flattened), so a bar similar in
    both rhythm and pitch classes to some other bar scores near 1. 1.0 when every bar occurs twice, near 0
    for a piece that never reuses a rhythm or pitch class at the same position. NaN with fewer than two
    non-empty bars.
    """
    grid = bar_grid(score)
    if grid is None:
        return math.nan
    v = grid.onsets.reshape(len(grid.onsets), -1).astype(np.float64)
    v = v[v.any(1)]
    if len(v) < 2:
        return math.nan
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    sim = v @ v.T  # (B, B)
    np.fill_diagonal(sim, -np.inf)
    return float(sim.max(1).mean())


def repeated_bar_rate(score: Score) -> float:
    """Share of non-empty bars whose exact content (onset within the bar, duration and pitch of every note)
    also occurs in another bar:

        rate = #{i : exists j != i with bar_j = bar_i} / #non-empty bars

    Exact: a transposed repeat does not count. NaN with fewer than two non-empty bars.
    """
    grid = bar_grid(score)
    if grid is None:
        return math.nan
    rows = np.stack([grid.bar, grid.offset, grid.notes["duration"], grid.notes["pitch"]], 1)
    order = np.lexsort(rows.T[::-1])  # by bar, then the note fields: a canonical content per bar
    rows = rows[order]
    cut = np.flatnonzero(np.diff(rows[:, 0])) + 1
    contents = [r[:, 1:].tobytes() for r in np.split(rows, cut)]
    if len(contents) < 2:
        return math.nan
    counts = Counter(contents)  # (numpy's bytes arrays would strip trailing zero bytes: use Python's)
    return float(np.mean([counts[c] > 1 for c in contents]))
