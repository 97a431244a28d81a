"""Voice-leading rules for music in parts: the voices, their sonorities, and the rules of part writing.

The rules live here once, so that metrics (`tunesmith.evaluation.voice_leading`), sampling constraints
(`tunesmith.generation`), rewards and the assistant's analysis all judge the same thing. Each rule is an
elementwise function on pitches (MIDI numbers, `REST` for silence): it takes scalars or numpy arrays of any
broadcastable shape, so a constraint can test every candidate pitch at once and a metric a whole piece.

The voices are the non-empty, non-drum tracks, ordered from highest to lowest mean pitch (soprano first),
so a chorale gives S, A, T, B whatever the track order. The rules look at *sonorities*: the pitch each
voice sounds at every onset of any voice (a rest is no pitch). These are the textbook rules of
common-practice part writing (Aldwell & Schachter, *Harmony and Voice Leading*, 4th ed., ch. 5-6).
"""

from __future__ import annotations

import numpy as np

from tunesmith.score.model import Score

# comfortable SATB ranges as MIDI pitches, soprano first: C4-G5, G3-D5, C3-G4, E2-C4 (Aldwell & Schachter)
SATB_RANGES = ((60, 79), (55, 74), (48, 67), (40, 60))
REST = -1
MAX_UPPER_GAP = 12  # adjacent upper voices more than an octave apart are spaced too wide


def voice_order(score: Score) -> list[int]:
    """Indices of the tracks that are voices, highest mean pitch first (see `voices`)."""
    kept: list[int] = []
    for i, t in enumerate(score.tracks):
        notes = t.notes[["start", "duration", "pitch"]]
        if not t.is_drum and len(t) and not any(
                np.array_equal(notes, score.tracks[j].notes[["start", "duration", "pitch"]]) for j in kept):
            kept.append(i)
    return sorted(kept, key=lambda i: -float(score.tracks[i].notes["pitch"].mean()))


def voices(score: Score) -> list[np.ndarray]:
    """Note arrays of the non-empty, non-drum tracks, highest mean pitch first.

    A track that doubles an earlier one note for note (a cornet on the soprano line, as in some chorales)
    is the same voice and is left out; otherwise every doubled note would count as a parallel unison.
    """
    return [score.tracks[i].notes for i in voice_order(score)]


def sonorities(parts: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """(times (T,), pitches (V, T)): the pitch each voice sounds at every onset of any voice, REST if none.

    A voice with several notes starting together counts as its highest one.
    """
    if not parts:
        return np.zeros(0, np.int64), np.zeros((0, 0), np.int64)
    times = np.unique(np.concatenate([p["start"] for p in parts]))
    grid = np.full((len(parts), len(times)), REST, dtype=np.int64)
    for v, notes in enumerate(parts):
        i = np.searchsorted(notes["start"], times, side="right") - 1  # last note begun by each time
        j = np.clip(i, 0, None)
        sounding = (i >= 0) & (notes["start"][j] + notes["duration"][j] > times)
        grid[v] = np.where(sounding, notes["pitch"][j], REST)
    return times, grid


def parallel(a0, b0, a1, b1, interval_class: int):
    """Parallel motion by a perfect interval: voices a and b both move, in the same direction, from an
    interval of `interval_class` (7: fifth, 0: octave or unison, compound or not) to another one.

        [|a0 - b0| mod 12 = ic] * [|a1 - b1| mod 12 = ic] * [a1 != a0] * [sign(a1 - a0) = sign(b1 - b0)]

    Fifths by contrary motion and a fifth held while the other voice moves are not parallels; a rest in
    either voice at either time breaks the motion.
    """
    a0, b0, a1, b1 = (np.asarray(x) for x in (a0, b0, a1, b1))
    sounding = (a0 != REST) & (b0 != REST) & (a1 != REST) & (b1 != REST)
    da, db = a1 - a0, b1 - b0
    return (sounding & (da != 0) & (np.sign(da) == np.sign(db))
            & (np.abs(a0 - b0) % 12 == interval_class) & (np.abs(a1 - b1) % 12 == interval_class))


def crossed(upper, lower):
    """Voice crossing: the voice that should be higher sounds below the lower one (both sounding)."""
    upper, lower = np.asarray(upper), np.asarray(lower)
    return (upper != REST) & (lower != REST) & (upper < lower)


def too_wide(upper, lower, max_gap: int = MAX_UPPER_GAP):
    """Spacing: two adjacent upper voices (soprano-alto, alto-tenor) more than `max_gap` semitones apart.
    The rule does not apply to the lowest pair (tenor-bass), which the caller leaves out."""
    upper, lower = np.asarray(upper), np.asarray(lower)
    return (upper != REST) & (lower != REST) & (upper - lower > max_gap)


def out_of_range(pitch, voice_range: tuple[int, int]):
    """A sounding pitch outside a voice's range (low, high), both ends allowed."""
    pitch = np.asarray(pitch)
    lo, hi = voice_range
    return (pitch != REST) & ((pitch < lo) | (pitch > hi))
