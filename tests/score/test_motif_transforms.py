"""The motif transforms: inversion, retrograde, augmentation and diminution, fragmentation, appending."""

import numpy as np
import pytest

from tunesmith.score import Score, TimeSignature, Track, append, fragment, invert, note_array, retrograde, scale_time

Q = 480
MOTIF = Score(tracks=(Track(note_array([(60, 0, Q // 2), (62, Q // 2, Q // 2), (64, Q, Q), (67, 2 * Q, Q)])),),
              time_signatures=(TimeSignature(0, 4, 4),), fermatas=(2 * Q,))


def rows(score):
    n = score.all_notes()
    return list(zip(n["pitch"].tolist(), n["start"].tolist(), n["duration"].tolist()))


def test_inversion_mirrors_pitches_and_drops_what_leaves_the_range():
    up = invert(MOTIF, 60)
    assert [p for p, _, _ in rows(up.score)] == [60, 58, 56, 53] and up.dropped == 0
    assert invert(MOTIF, 60, low=55).dropped == 1
    assert rows(invert(up.score, 60).score) == rows(MOTIF)  # twice is the identity


def test_retrograde_runs_backwards_over_the_same_span():
    back = retrograde(MOTIF)
    assert rows(back) == [(67, 0, Q), (64, Q, Q), (62, 2 * Q, Q // 2), (60, 5 * Q // 2, Q // 2)]
    assert back.fermatas == (Q,) and rows(retrograde(back)) == rows(MOTIF)


def test_augmentation_and_diminution_scale_time_only():
    assert rows(scale_time(MOTIF, 2)) == [(60, 0, Q), (62, Q, Q), (64, 2 * Q, 2 * Q), (67, 4 * Q, 2 * Q)]
    assert rows(scale_time(scale_time(MOTIF, 0.5), 2)) == rows(MOTIF)
    assert scale_time(MOTIF, 2).fermatas == (4 * Q,)
    with pytest.raises(ValueError):
        scale_time(MOTIF, 0)


def test_fragment_and_append():
    head = fragment(MOTIF, 0, 2)
    assert rows(head) == [(60, 0, Q // 2), (62, Q // 2, Q // 2)]
    tail = fragment(MOTIF, 2, 4)
    assert rows(tail) == [(64, 0, Q), (67, Q, Q)] and tail.fermatas == (Q,)
    joined = append(head, tail, at=Q)
    assert rows(joined) == [(60, 0, Q // 2), (62, Q // 2, Q // 2), (64, Q, Q), (67, 2 * Q, Q)]
    with pytest.raises(ValueError):
        fragment(MOTIF, 3, 3)


def test_transforms_leave_their_input_alone():
    before = MOTIF.tracks[0].notes.copy()
    for out in (invert(MOTIF, 62).score, retrograde(MOTIF), scale_time(MOTIF, 2), fragment(MOTIF, 1, 3)):
        assert out is not MOTIF
    assert np.array_equal(MOTIF.tracks[0].notes, before)
