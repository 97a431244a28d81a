"""Voice-leading checks for music in parts (four-voice chorales first): parallels, crossing, spacing, range.

The voices are the non-empty, non-drum tracks, ordered from highest to lowest mean pitch (soprano first),
so a chorale gives S, A, T, B whatever the track order. The checks look at *sonorities*: the pitch each
voice sounds at every onset of any voice (a rest is no pitch). These are the textbook rules of
common-practice part writing (e.g. Aldwell & Schachter, *Harmony and Voice Leading*, 4th ed., ch. 5-6),
counted the way automatic chorale evaluations count them (e.g. Liang et al. 2017, "Automatic stylistic
composition of Bach chorales with deep LSTM", ISMIR; Huang et al. 2017, "Counterpoint by convolution",
ISMIR). Every function returns NaN on a score without notes, and where it needs more voices than there are.
"""

from __future__ import annotations

import math

import numpy as np

from tunesmith.score.model import Score

# comfortable SATB ranges as MIDI pitches, soprano first: C4-G5, G3-D5, C3-G4, E2-C4 (Aldwell & Schachter)
SATB_RANGES = ((60, 79), (55, 74), (48, 67), (40, 60))
REST = -1


def voices(score: Score) -> list[np.ndarray]:
    """Note arrays of the non-empty, non-drum tracks, highest mean pitch first.

    A track that doubles an earlier one note for note (a cornet on the soprano line, as in some chorales)
    is the same voice and is left out; otherwise every doubled note would count as a parallel unison.
    """
    parts: list[np.ndarray] = []
    for t in score.tracks:
        notes = t.notes[["start", "duration", "pitch"]]
        if not t.is_drum and len(t) and not any(np.array_equal(notes, p[["start", "duration", "pitch"]])
                                                 for p in parts):
            parts.append(t.notes)
    return sorted(parts, key=lambda n: -float(n["pitch"].mean()))


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


def _parallels(score: Score, interval_class: int) -> float:
    _, grid = sonorities(voices(score))
    if len(grid) < 2:
        return math.nan
    count = 0
    for a in range(len(grid)):
        for b in range(a + 1, len(grid)):
            x, y = grid[a], grid[b]
            both = (x != REST) & (y != REST)
            dx, dy = np.diff(x), np.diff(y)
            ic = np.abs(x - y) % 12
            hit = (both[:-1] & both[1:] & (dx != 0) & (np.sign(dx) == np.sign(dy))
                   & (ic[:-1] == interval_class) & (ic[1:] == interval_class))
            count += int(hit.sum())
    return float(count)


def parallel_fifths(score: Score) -> float:
    """Number of parallel fifths: pairs of voices that move in the same direction from a perfect fifth
    (or compound fifth) to a perfect fifth, between consecutive sonorities.

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
    sounding = grid != REST
    busy = sounding.sum(0) >= 2
    crossed = np.zeros(grid.shape[1], dtype=bool)
    for a in range(len(grid)):
        for b in range(a + 1, len(grid)):
            crossed |= sounding[a] & sounding[b] & (grid[a] < grid[b])
    return float(crossed[busy].mean()) if busy.any() else math.nan


def spacing_violations(score: Score, max_gap: int = 12) -> float:
    """Number of (sonority, voice pair) where adjacent upper voices (soprano-alto, alto-tenor: every
    adjacent pair but the lowest) are more than an octave apart; needs at least three voices.

        count = sum over t and adjacent pairs (v, v+1), v + 1 < V - 1, of [p_v(t) - p_{v+1}(t) > 12]
    """
    _, grid = sonorities(voices(score))
    if len(grid) < 3:
        return math.nan
    count = 0
    for v in range(len(grid) - 2):
        both = (grid[v] != REST) & (grid[v + 1] != REST)
        count += int((both & (grid[v] - grid[v + 1] > max_gap)).sum())
    return float(count)


def out_of_range_notes(score: Score) -> float:
    """Number of notes outside their voice's SATB range (`SATB_RANGES`); needs exactly four voices.

        count = sum over voices v of #{notes of v with pitch < low_v or pitch > high_v}
    """
    parts = voices(score)
    if len(parts) != 4:
        return math.nan
    return float(sum(int(((n["pitch"] < lo) | (n["pitch"] > hi)).sum())
                     for n, (lo, hi) in zip(parts, SATB_RANGES, strict=True)))
