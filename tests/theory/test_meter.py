import numpy as np
import pytest

from tunesmith.score import TimeSignature
from tunesmith.theory.meter import (
    beat_starts,
    beat_strength,
    beat_strengths,
    beat_ticks,
    beats_per_bar,
    is_compound,
    metrical_levels,
)

from .scores import Q, melody, score_of

EIGHTH = Q // 2


@pytest.mark.parametrize(
    ("meter", "per_eighth"),
    [
        ((4, 4), [1, 0.125, 0.25, 0.125, 0.5, 0.125, 0.25, 0.125]),
        ((3, 4), [1, 0.25, 0.5, 0.25, 0.5, 0.25]),
        ((2, 4), [1, 0.25, 0.5, 0.25]),
        ((6, 8), [1, 0.25, 0.25, 0.5, 0.25, 0.25]),
        ((9, 8), [1, 0.25, 0.25, 0.5, 0.25, 0.25, 0.5, 0.25, 0.25]),
        ((12, 8), [1, 0.125, 0.125, 0.25, 0.125, 0.125, 0.5, 0.125, 0.125, 0.25, 0.125, 0.125]),
        ((3, 8), [1, 0.5, 0.5]),
    ],
)
def test_strength_on_the_eighth_grid(meter, per_eighth):
    ts = TimeSignature(0, *meter)
    ticks = np.arange(len(per_eighth)) * EIGHTH
    np.testing.assert_allclose(beat_strengths(ticks, ts), per_eighth)
    np.testing.assert_allclose(beat_strengths(ticks + ts.bar_ticks, ts), per_eighth)  # every bar alike


def test_single_tick_and_fine_positions():
    ts = TimeSignature(0, 4, 4)
    assert beat_strength(0, ts) == 1.0
    assert beat_strength(2 * Q, ts) == 0.5
    assert beat_strength(Q // 4, ts) == 0.0625  # a sixteenth offbeat
    assert beat_strength(Q // 3, ts) == 0.125  # a triplet eighth, like a straight eighth offbeat
    assert 0 < beat_strength(7, ts) < beat_strength(Q // 4, ts)  # off every grid: weakest
    six_eight = TimeSignature(0, 6, 8)
    assert beat_strength(3 * EIGHTH, six_eight) == 0.5 and beat_strength(EIGHTH // 2, six_eight) == 0.125


def test_beats_and_their_length():
    cases = {(4, 4): (4, Q), (3, 4): (3, Q), (2, 2): (2, 2 * Q), (6, 8): (2, 3 * EIGHTH), (9, 8): (3, 720),
             (12, 8): (4, 720), (3, 8): (3, EIGHTH), (6, 4): (2, 3 * Q), (5, 4): (5, Q)}
    for (n, d), (beats, ticks) in cases.items():
        ts = TimeSignature(0, n, d)
        assert (beats_per_bar(ts), beat_ticks(ts)) == (beats, ticks), (n, d)
        assert beats * ticks == ts.bar_ticks
    assert is_compound(TimeSignature(0, 6, 8)) and not is_compound(TimeSignature(0, 3, 4))
    assert metrical_levels(TimeSignature(0, 4, 4))[:4] == [(1920,), (960,), (480,), (240, 160)]


def test_strengths_follow_a_time_signature_map():
    sigs = (TimeSignature(0, 4, 4), TimeSignature(4 * Q, 3, 4))
    ticks = np.array([0, Q, 2 * Q, 4 * Q, 5 * Q, 6 * Q, 7 * Q])
    np.testing.assert_allclose(beat_strengths(ticks, sigs), [1, 0.25, 0.5, 1, 0.5, 0.5, 1])
    # before the first signature: 4/4
    np.testing.assert_allclose(beat_strengths([0, 2 * Q], [TimeSignature(4 * Q, 3, 4)]), [1, 0.5])
    values = beat_strengths(np.arange(0, 8 * Q, 7), sigs)
    assert values.min() > 0 and values.max() == 1


def test_beat_starts():
    s = score_of(melody([60] * 7), time_signatures=(TimeSignature(0, 2, 4), TimeSignature(2 * Q, 6, 8)))
    # two quarter beats of 2/4, then dotted-quarter beats of 6/8 up to the end at 7 quarters
    assert beat_starts(s).tolist() == [0, Q, 2 * Q, 2 * Q + 720, 2 * Q + 1440, 2 * Q + 2160]
    assert beat_starts(score_of()).tolist() == [0]
