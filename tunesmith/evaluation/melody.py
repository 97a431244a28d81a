"""Melody statistics of RL Tuner: excessive repetition, leap resolution, starting and ending on the tonic.

From N. Jaques, S. Gu, R. E. Turner and D. Eck, "Tuning recurrent neural networks with reinforcement
learning" (RL Tuner; ICLR workshop 2017, also "Sequence Tutor", ICML 2017), table 1 and the evaluation
code of magenta's `rl_tuner`. RL Tuner scores monophonic melodies on a 16th-note grid in C major; here the
melody is the skyline of the score (highest note at each onset, `tunesmith.score.skyline`), a sequence of
notes rather than grid steps, and the tonic is that of the key estimated from the whole score
(`tunesmith.theory.keys.estimate_key`), so real and generated pieces are judged alike whatever key
signature they carry. Every function returns NaN on a score without notes.
"""

from __future__ import annotations

import math

import numpy as np

from tunesmith.score.model import Score
from tunesmith.score.transforms import skyline
from tunesmith.theory.keys import estimate_key
from tunesmith.theory.melody import LEAP, MAX_REPEATS, excessive_repeats, leap_resolution


def melody_pitches(score: Score) -> np.ndarray:
    """MIDI pitches of the skyline melody, in time order."""
    return skyline(score).tracks[0].notes["pitch"].astype(np.int64)


def excessive_repetition_rate(score: Score, max_repeats: int = MAX_REPEATS) -> float:
    """Share of melody notes that repeat more than `max_repeats` immediately preceding identical pitches.

        rate = #{i : p[i] = p[i-1] = ... = p[i-max_repeats-1]} / #notes

    RL Tuner's "notes excessively repeated" (Jaques et al. 2017): with the default 4, the 6th and later
    notes of a run of one pitch count (tunesmith.theory.melody.excessive_repeats). Rests and ties do not break
    a run here (RL Tuner allows a few more repeats across them).
    """
    p = melody_pitches(score)
    return float(np.mean(excessive_repeats(p, max_repeats))) if len(p) else math.nan


def leaps_resolved(score: Score, leap: int = LEAP) -> float:
    """Share of melodic leaps that are resolved: resolved / (resolved + doubled), NaN without a leap.

    RL Tuner's "leaps resolved" (Jaques et al. 2017, after its `detect_leap_up_back`): see
    tunesmith.theory.melody.leap_resolution for when a leap is resolved and when doubled.
    """
    p = melody_pitches(score)
    if not len(p):
        return math.nan
    resolved, doubled = leap_resolution(p, leap)
    return resolved / (resolved + doubled) if resolved + doubled else math.nan


def _on_tonic(score: Score, which: int) -> float:
    p = melody_pitches(score)
    key = estimate_key(score)
    if not len(p) or key is None:
        return math.nan
    return float(p[which] % 12 == key.tonic)


def starts_on_tonic(score: Score) -> float:
    """1.0 if the first melody note is the tonic of the estimated key, else 0.0 (RL Tuner, Jaques et al. 2017)."""
    return _on_tonic(score, 0)


def ends_on_tonic(score: Score) -> float:
    """1.0 if the last melody note is the tonic of the estimated key, else 0.0 (the cadence counterpart of
    RL Tuner's tonic reward, which rewards the tonic at the start of the final bar)."""
    return _on_tonic(score, -1)
