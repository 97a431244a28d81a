"""Rules of a melodic line, on its pitches (and onsets) in time order: what RL Tuner's statistics count
(tunesmith.evaluation.melody) and what its rewards pay for (tunesmith.models.rl_tuner), kept once.

From N. Jaques, S. Gu, R. E. Turner and D. Eck, "Tuning recurrent neural networks with reinforcement learning"
(RL Tuner; ICLR workshop 2017) and magenta's `rl_tuner` code: a note repeated more than four times in a row is
excessive; a leap (a fifth or more) should be resolved by a step back, not followed by a second leap the same
way; melodies should repeat motifs and avoid long runs of leaps."""

from __future__ import annotations

import numpy as np

LEAP = 7  # semitones: RL Tuner calls a step of a perfect fifth or more a leap
MAX_REPEATS = 4  # RL Tuner: a note repeating more than 4 previous identical notes is excessive
RUN_LEAP = 5  # a leap in a run of leaps: a fourth or more
LONGEST_RUN = 2  # leaps in a row allowed before each further one counts


def excessive_repeats(pitches, max_repeats: int = MAX_REPEATS) -> np.ndarray:
    """(N,) bool: notes that repeat more than `max_repeats` immediately preceding identical pitches (with 4, the
    6th and later notes of a run of one pitch)."""
    p = np.asarray(pitches, np.int64)
    if not len(p):
        return np.zeros(0, bool)
    new_run = np.r_[True, p[1:] != p[:-1]]
    run_start = np.flatnonzero(new_run)[np.cumsum(new_run) - 1]
    return np.arange(len(p)) - run_start > max_repeats


def leap_resolution(pitches, leap: int = LEAP) -> tuple[int, int]:
    """(resolved, doubled) leaps of a line, after RL Tuner's `detect_leap_up_back`: a step of `leap` semitones
    or more opens a leap from the note before it; it is resolved when the line comes back to or past that note,
    or leaps back the other way; doubled when another leap goes the same way first (it stays open). RL Tuner's
    wait of six grid steps before a leap back counts is left out: these are notes, not grid steps."""
    p = np.asarray(pitches, np.int64)
    direction, origin, resolved, doubled = 0, 0, 0, 0
    for prev, cur in zip(p[:-1].tolist(), p[1:].tolist(), strict=True):
        step = cur - prev
        if abs(step) >= leap:
            d = 1 if step > 0 else -1
            if direction == 0:
                direction, origin = d, prev
            elif direction != d:
                resolved, direction = resolved + 1, 0
            else:
                doubled += 1
        elif direction and (cur - origin) * direction <= 0:
            resolved, direction = resolved + 1, 0
    return resolved, doubled


def leap_runs(pitches, leap: int = RUN_LEAP, longest: int = LONGEST_RUN) -> np.ndarray:
    """(N - 1,) bool: intervals that are a leap (`leap` semitones or more) after `longest` leaps in a row."""
    p = np.asarray(pitches, np.int64)
    if len(p) < 2:
        return np.zeros(0, bool)
    big = np.abs(np.diff(p)) >= leap
    run = np.zeros(len(big), np.int64)
    for i, b in enumerate(big.tolist()):
        run[i] = (run[i - 1] + 1 if i else 1) if b else 0
    return run > longest


def motifs(pitches, onsets, bar: int, min_notes: int = 3) -> list[tuple | None]:
    """Each bar's motif: its onsets within the bar and its intervals (transposition-invariant), or None for a
    bar of fewer than `min_notes` notes or fewer than 2 pitches (RL Tuner's motif: a bar with a few distinct
    notes). Bars are numbered from onset 0; `bar` is the bar's length in the onsets' unit."""
    p, t = np.asarray(pitches, np.int64), np.asarray(onsets, np.int64)
    if not len(p):
        return []
    which = t // bar
    out = []
    for b in range(int(which.max()) + 1):
        sel = which == b
        if sel.sum() >= min_notes and len(set(p[sel].tolist())) >= 2:
            out.append((tuple((t[sel] - b * bar).tolist()), tuple(np.diff(p[sel]).tolist())))
        else:
            out.append(None)
    return out


def repeated_motifs(pitches, onsets, bar: int, min_notes: int = 3) -> tuple[int, int]:
    """(bars whose motif an earlier bar already played, bars with a motif after the first such bar)."""
    seen, repeated, later = set(), 0, 0
    for m in motifs(pitches, onsets, bar, min_notes):
        if m is None:
            continue
        if seen:
            later += 1
            repeated += m in seen
        seen.add(m)
    return repeated, later
