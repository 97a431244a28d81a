"""Harmony and key of a piece: its final chord, its sonorities on the beat, its notated key. Pure functions
`Score -> float`, NaN on a score without notes (and where the docstring says).

Measures of the musicianship table of `bench/musicianship.py`; like `structure`, kept out of `METRICS` so
that the classifier of `tunesmith evaluate` stays the fixed yardstick beside them. Chord shapes and keys
are those of `tunesmith.theory` (`chords.is_tertian`, `phrases.is_tonic_triad`, `keys.estimate_key`).
"""

from __future__ import annotations

import math

import numpy as np

from tunesmith.io.midi import sharps_from_key
from tunesmith.score.model import Score
from tunesmith.theory.chords import chord_from_pitches, is_tertian
from tunesmith.theory.keys import estimate_key
from tunesmith.theory.meter import beat_starts
from tunesmith.theory.phrases import is_tonic_triad, key_at


def _sounding(notes: np.ndarray, ticks: np.ndarray) -> list[np.ndarray]:
    """The pitches sounding at each tick (start <= tick < end)."""
    end = notes["start"] + notes["duration"]
    return [notes["pitch"][(notes["start"] <= t) & (end > t)] for t in ticks]


def final_tonic_triad(score: Score) -> float:
    """1.0 if the final chord is a tonic triad, else 0.0; NaN when fewer than two pitch classes sound there.

    The final chord: the pitches sounding at the last onset of the piece (`theory.chords.chord_from_pitches`,
    a triad without its fifth included). A tonic triad: `theory.phrases.is_tonic_triad` in the notated key
    in force there (a major tonic triad in a minor key, the Picardy third, counts), else in the estimated key.
    """
    notes = score.all_notes()
    if not len(notes):
        return math.nan
    last = int(notes["start"].max())
    pitches = _sounding(notes, np.array([last]))[0]
    key = key_at(score, last)
    if len(np.unique(pitches % 12)) < 2 or key is None:
        return math.nan
    return float(is_tonic_triad(chord_from_pitches(pitches), key))


def non_tertian_beat_rate(score: Score) -> float:
    """Share of beats on a non-tertian sonority:

        rate = #{beats whose sounding pitch classes are not tertian} / #{beats with >= 2 pitch classes}

    The sonority of a beat: the pitch classes sounding at its first tick (beats follow the time-signature
    map, `theory.meter.beat_starts`); tertian: a triad or seventh chord or part of one (`chords.is_tertian`).
    Suspensions and passing tones that fall on the beat count as they sound. NaN with no beat of two or
    more pitch classes (a melody alone).
    """
    notes = score.all_notes()
    if not len(notes):
        return math.nan
    pcs = [np.unique(p % 12) for p in _sounding(notes, beat_starts(score))]
    chords = [p for p in pcs if len(p) >= 2]
    if not chords:
        return math.nan
    return float(np.mean([not is_tertian(p.tolist()) for p in chords]))


def key_accidentals(score: Score) -> float:
    """Sharps or flats in the signature of the first notated key (its fewer-accidental spelling: F# major
    has 6, Db major 5); NaN without a notated key."""
    if not score.note_count or not score.key_signatures:
        return math.nan
    return float(abs(sharps_from_key(score.key_signatures[0])))


def notated_minor(score: Score) -> float:
    """1.0 if the first notated key is minor, else 0.0; NaN without a notated key."""
    if not score.note_count or not score.key_signatures:
        return math.nan
    return float(score.key_signatures[0].mode == "minor")


def estimated_minor(score: Score) -> float:
    """1.0 if the key estimated from the notes (`theory.keys.estimate_key`) is minor, else 0.0: what a
    listener hears, where a notation (Essen's, which gives only the signature) does not say the mode."""
    key = estimate_key(score) if score.note_count else None
    return math.nan if key is None else float(key.mode == "minor")
