"""Pitch-class histograms of a score, whole or per time window: the evidence for key and chord finding.

Weights are durations in ticks (how long each pitch class sounds), as in the Krumhansl-Schmuckler key
finder (Krumhansl 1990, *Cognitive Foundations of Musical Pitch*, ch. 4). Drum tracks carry no pitch and
are left out.
"""

from __future__ import annotations

import numpy as np

from tunesmith.errors import ConfigError
from tunesmith.score.model import Score

WEIGHTS = ("duration", "count")


def pitched_notes(score_or_notes: Score | np.ndarray) -> np.ndarray:
    """The notes of every non-drum track of a Score, or a note array passed through unchanged."""
    return score_or_notes.all_notes() if isinstance(score_or_notes, Score) else np.asarray(score_or_notes)


def pitch_class_histogram(score_or_notes: Score | np.ndarray, weight: str = "duration") -> np.ndarray:
    """(12,) float histogram: total ticks each pitch class sounds (`weight="duration"`) or its note count."""
    notes = pitched_notes(score_or_notes)
    if weight not in WEIGHTS:
        raise ConfigError(f"unknown histogram weight {weight!r}; valid: {', '.join(WEIGHTS)}")
    w = notes["duration"] if weight == "duration" else np.ones(len(notes))
    return np.bincount(notes["pitch"] % 12, weights=w, minlength=12).astype(np.float64)


def window_overlaps(notes: np.ndarray, edges: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every (note index, window index, ticks of overlap > 0) for windows [edges[i], edges[i+1]).

    Cost is O(notes + note-window pairs), not O(notes * windows): each note is expanded only over the
    windows it spans, found by binary search on the sorted edges.
    """
    edges = np.asarray(edges, dtype=np.int64)
    start = notes["start"].astype(np.int64)
    end = start + notes["duration"]
    first = np.clip(np.searchsorted(edges, start, side="right") - 1, 0, None)  # window holding the onset
    last = np.searchsorted(edges, end, side="left") - 1  # window holding the last sounding tick
    last = np.minimum(last, len(edges) - 2)
    span = np.maximum(last - first + 1, 0)
    note = np.repeat(np.arange(len(notes)), span)
    # window index: first[note] + 0, 1, ... span-1 for each note
    offset = np.arange(len(note)) - np.repeat(np.cumsum(span) - span, span)
    win = first[note] + offset
    overlap = np.minimum(end[note], edges[win + 1]) - np.maximum(start[note], edges[win])
    keep = overlap > 0
    return note[keep], win[keep], overlap[keep]


def pitch_class_histograms(score_or_notes: Score | np.ndarray, edges) -> np.ndarray:
    """(W, 12) duration histograms of the windows [edges[i], edges[i+1]), from W+1 sorted edge ticks."""
    notes = pitched_notes(score_or_notes)
    edges = np.asarray(edges, dtype=np.int64)
    out = np.zeros((max(len(edges) - 1, 0), 12))
    if len(notes) and len(out):
        note, win, overlap = window_overlaps(notes, edges)
        np.add.at(out, (win, notes["pitch"][note] % 12), overlap)
    return out
