"""Histogram-valued features of a score (Yang & Lerch 2018) and the melodic lines the metrics read.

Each feature is a pure function `Score -> np.ndarray` of fixed shape that sums to 1 (a distribution), or
is all NaN when the score has nothing to count. They follow L.-C. Yang and A. Lerch, "On the evaluation
of generative models in music", Neural Computing and Applications 32 (2020; preprint 2018), section 3:
pitch-class histogram (PCH), pitch-class transition matrix (PCTM), note-length histogram (NLH), plus
interval and inter-onset-interval histograms built the same way.

A *melodic line* is one non-drum track reduced to its highest note at each onset (the track's skyline):
a chorale voice stays as it is, a piano track keeps its top line. Intervals and transitions are taken
between consecutive notes of a line, never across tracks.
"""

from __future__ import annotations

import numpy as np

from tunesmith.score.model import TPQ, Score

# Yang & Lerch's 12 note-length classes, in quarter notes, shortest first: sixteenth, eighth triplet,
# dotted sixteenth, eighth, quarter triplet, dotted eighth, quarter, half triplet, dotted quarter, half,
# dotted half, whole.
LENGTH_CLASSES = np.array([1 / 4, 1 / 3, 3 / 8, 1 / 2, 2 / 3, 3 / 4, 1, 4 / 3, 3 / 2, 2, 3, 4])
LENGTH_NAMES = ("16th", "8th-3", "16th.", "8th", "4th-3", "8th.", "4th", "2nd-3", "4th.", "2nd", "2nd.", "1st")
MAX_INTERVAL = 12  # interval histogram bins -12..+12 semitones; larger leaps fall in the end bins


def melodic_lines(score: Score) -> list[np.ndarray]:
    """The note array of each non-empty, non-drum track reduced to its highest note per onset."""
    lines = []
    for t in score.tracks:
        n = t.notes
        if t.is_drum or not len(n):
            continue
        # notes are sorted by (start, pitch): the last note of each onset is the highest
        last = np.r_[n["start"][1:] != n["start"][:-1], True]
        lines.append(n[last])
    return lines


def line_intervals(score: Score) -> np.ndarray:
    """Signed semitone steps between consecutive notes of every melodic line, concatenated."""
    parts = [np.diff(line["pitch"].astype(np.int64)) for line in melodic_lines(score)]
    return np.concatenate(parts) if parts else np.zeros(0, np.int64)


def length_class(ticks) -> np.ndarray:
    """Index into LENGTH_CLASSES of the class nearest each length (in log2 of its quarter notes)."""
    q = np.log2(np.maximum(np.asarray(ticks, dtype=np.float64), 1) / TPQ)
    return np.abs(q[..., None] - np.log2(LENGTH_CLASSES)).argmin(-1)


def _normalized(counts: np.ndarray) -> np.ndarray:
    total = counts.sum()
    return counts / total if total > 0 else np.full(counts.shape, np.nan)


def pitch_class_histogram(score: Score) -> np.ndarray:
    """(12,) share of notes on each pitch class, C first (Yang & Lerch's PCH; counts, not durations)."""
    notes = score.all_notes()
    return _normalized(np.bincount(notes["pitch"] % 12, minlength=12).astype(np.float64))


def interval_histogram(score: Score) -> np.ndarray:
    """(25,) share of melodic intervals of -12..+12 semitones (bin i = i - 12), leaps beyond in the end bins.

    Intervals are signed steps between consecutive notes of each melodic line (`melodic_lines`).
    """
    steps = np.clip(line_intervals(score), -MAX_INTERVAL, MAX_INTERVAL) + MAX_INTERVAL
    return _normalized(np.bincount(steps, minlength=2 * MAX_INTERVAL + 1).astype(np.float64))


def ioi_histogram(score: Score) -> np.ndarray:
    """(12,) share of inter-onset intervals in each of Yang & Lerch's note-length classes (`LENGTH_NAMES`).

    An inter-onset interval is the time between consecutive distinct onsets of the whole score (all
    non-drum tracks together), classed to the nearest length in log scale.
    """
    onsets = np.unique(score.all_notes()["start"])
    counts = np.bincount(length_class(np.diff(onsets)), minlength=len(LENGTH_CLASSES))
    return _normalized(counts.astype(np.float64))


def note_length_histogram(score: Score) -> np.ndarray:
    """(12,) share of notes in each note-length class (Yang & Lerch's NLH; nearest class in log scale)."""
    counts = np.bincount(length_class(score.all_notes()["duration"]), minlength=len(LENGTH_CLASSES))
    return _normalized(counts.astype(np.float64))


def pitch_class_transition_matrix(score: Score) -> np.ndarray:
    """(12, 12) share of transitions from pitch class i (row) to j (column) between consecutive notes of
    each melodic line, normalized over all transitions (Yang & Lerch's PCTM)."""
    counts = np.zeros(144)
    for line in melodic_lines(score):
        pc = line["pitch"].astype(np.int64) % 12
        counts += np.bincount(pc[:-1] * 12 + pc[1:], minlength=144)
    return _normalized(counts).reshape(12, 12)


# histogram-valued features by name; each returns a fixed-shape array summing to 1, or all NaN
FEATURES = {
    "pitch_class_histogram": pitch_class_histogram,
    "interval_histogram": interval_histogram,
    "ioi_histogram": ioi_histogram,
    "note_length_histogram": note_length_histogram,
    "pitch_class_transition_matrix": pitch_class_transition_matrix,
}
