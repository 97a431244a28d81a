"""Meter: beats per bar, beat length, beat grids and metrical strength under a time signature.

A bar is a hierarchy of levels (Lerdahl & Jackendoff 1983, *A Generative Theory of Tonal Music*, ch. 4):
level 0 is the bar, then groups of beats (a 4-beat bar splits in two halves first), then the beat, then
its division, then halvings down to a 64th note. The strength of a tick is 2**-L for the coarsest level L
whose grid it lies on, so in 4/4 the downbeat is 1.0, beat 3 0.5, beats 2 and 4 0.25, eighth offbeats
0.125 -- the same numbers as music21's `TimeSignature.getAccentWeight`.

Compound meters (numerator 6, 9, 12, ... -- a multiple of 3 above 3) count dotted beats divided in three:
6/8 is two dotted-quarter beats, 12/8 four. 3/8 and 3/4 are simple triple (three beats). The first
division of a simple beat also accepts triplets, so a triplet eighth is as strong as a straight eighth
offbeat. Ticks on no grid at all get the weakest value.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from tunesmith.score.model import TPQ, Score, TimeSignature

FINEST = TPQ // 16  # the smallest grid unit considered: a 64th note


def is_compound(ts: TimeSignature) -> bool:
    """Compound meter: the numerator is a multiple of 3 greater than 3 (6/8, 9/8, 12/8, 6/4)."""
    return ts.numerator % 3 == 0 and ts.numerator > 3


def beats_per_bar(ts: TimeSignature) -> int:
    """Beats in a bar: the numerator, or a third of it in compound meter (6/8 -> 2)."""
    return ts.numerator // 3 if is_compound(ts) else ts.numerator


def beat_ticks(ts: TimeSignature) -> int:
    """Ticks per beat: one denominator unit, or three of them in compound meter (6/8 -> 720)."""
    unit = TPQ * 4 // ts.denominator
    return 3 * unit if is_compound(ts) else unit


def _prime_factors(n: int) -> list[int]:
    out, f = [], 2
    while n > 1:
        while n % f == 0:
            out.append(f)
            n //= f
        f += 1
    return out  # ascending, so a bar splits in twos before threes: 12 beats -> 2, 2, 3


def metrical_levels(ts: TimeSignature) -> list[tuple[int, ...]]:
    """Grid units in ticks per level, coarsest first: 4/4 -> [(1920,), (960,), (480,), (240, 160), ...].

    A level may hold two units (a simple beat's halves and thirds); a tick is on the level if on either.
    """
    levels = [(ts.bar_ticks,)]
    unit = ts.bar_ticks
    for f in _prime_factors(beats_per_bar(ts)):
        unit //= f
        levels.append((unit,))
    # compound beats divide in three; simple beats in two, or in three (triplets: common enough that a
    # triplet eighth should not count as weaker than a 64th)
    ways = (3,) if is_compound(ts) else (2, 3)
    division = tuple(unit // k for k in ways if unit % k == 0 and unit // k >= FINEST)
    if division:
        levels.append(division)
        unit = division[0]
        while unit % 2 == 0 and unit // 2 >= FINEST:
            unit //= 2
            levels.append((unit,))
    return levels


def _signatures(time_signatures) -> tuple[TimeSignature, ...]:
    """A sorted time-signature map; before its first entry, 4/4 (the MIDI default, as in Score.bar_starts)."""
    if isinstance(time_signatures, TimeSignature):
        return (time_signatures,)
    sigs = tuple(sorted(time_signatures, key=lambda s: s.tick))
    if not sigs or sigs[0].tick > 0:
        sigs = (TimeSignature(0, 4, 4), *sigs)
    return sigs


def beat_strengths(ticks, time_signatures: TimeSignature | Sequence[TimeSignature]) -> np.ndarray:
    """Strength in [0, 1] of every tick, each under the time signature in force there (one, or a map)."""
    ticks = np.asarray(ticks, dtype=np.int64)
    sigs = _signatures(time_signatures)
    which = np.clip(np.searchsorted([s.tick for s in sigs], ticks, side="right") - 1, 0, None)
    out = np.zeros(ticks.shape)
    for i, ts in enumerate(sigs):
        here = which == i
        if not here.any():
            continue
        pos = (ticks[here] - ts.tick) % max(ts.bar_ticks, 1)
        levels = metrical_levels(ts)
        strength = np.full(pos.shape, 2.0 ** -len(levels))
        for level in range(len(levels) - 1, -1, -1):  # finest first, so coarser levels overwrite
            on = np.zeros(pos.shape, dtype=bool)
            for unit in levels[level]:
                on |= pos % unit == 0
            strength[on] = 2.0**-level
        out[here] = strength
    return out


def beat_strength(tick: int, time_signature: TimeSignature) -> float:
    """Strength in [0, 1] of one tick: 1.0 on the downbeat, halving at each lower metrical level."""
    return float(beat_strengths(np.array([tick]), time_signature)[0])


def beat_starts(score: Score, end: int | None = None) -> np.ndarray:
    """Ticks at which beats start before `end` (default: score end), following the time-signature map
    like `Score.bar_starts`. Always holds at least tick 0."""
    end = score.end if end is None else end
    sigs = _signatures(score.time_signatures)
    starts: list[int] = []
    for i, ts in enumerate(sigs):
        stop = min(sigs[i + 1].tick, end) if i + 1 < len(sigs) else end
        starts.extend(range(ts.tick, stop, max(beat_ticks(ts), 1)))
    return np.array(starts or [0], dtype=np.int64)
