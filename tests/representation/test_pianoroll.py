import numpy as np
import pytest
from hypothesis import given
from hypothesis.extra.numpy import arrays

from tunesmith.errors import ConfigError, ScoreError
from tunesmith.representation.pianoroll import from_pianoroll, to_pianoroll
from tunesmith.score import Score, Track, note_array

from .strategies import PROPERTY


def score(*tracks):
    return Score(tracks=tuple(tracks))


def test_notes_become_active_steps():
    # a quarter C4 with a late eighth E4 over it; 130 ticks snap to one 16th step
    roll = to_pianoroll(score(Track(note_array([(60, 0, 480), (64, 240, 130)]))))
    assert roll.shape == (4, 128) and roll.dtype == bool
    assert roll[:, 60].tolist() == [True] * 4 and roll[:, 64].tolist() == [False, False, True, False]
    assert roll.sum() == 5


def test_drums_are_left_out_of_the_merged_roll_but_not_per_track():
    s = score(Track(note_array([(60, 0, 240)])), Track(note_array([(36, 0, 480)]), is_drum=True))
    assert to_pianoroll(s)[:, 36].sum() == 0
    per = to_pianoroll(s, per_track=True)
    assert per.shape == (2, 4, 128) and per[1, :, 36].all() and per[0, :2, 60].all()
    assert to_pianoroll(Score()).shape == (0, 128)
    assert to_pianoroll(Score(), per_track=True).shape == (0, 0, 128)


def test_consecutive_frames_merge_into_one_note():
    roll = np.zeros((6, 128), dtype=bool)
    roll[0:3, 60] = roll[4:6, 60] = roll[1, 67] = True
    s = from_pianoroll(roll, steps_per_quarter=2, program=5)
    (t,) = s.tracks
    assert t.program == 5
    assert t.notes.tolist() == [(0, 720, 60, 80), (240, 240, 67, 80), (960, 480, 60, 80)]
    per = from_pianoroll(np.stack([roll, roll]))
    assert len(per.tracks) == 2 and per.tracks[0] == per.tracks[1]


def test_bad_input():
    with pytest.raises(ValueError, match="piano roll"):
        from_pianoroll(np.zeros((4, 88), dtype=bool))
    with pytest.raises(ConfigError):
        to_pianoroll(Score(), steps_per_quarter=7)


@PROPERTY
@given(arrays(bool, (12, 128)))
def test_roll_round_trips_through_a_score(roll):
    back = to_pianoroll(from_pianoroll(roll, steps_per_quarter=3), steps_per_quarter=3)
    active = np.flatnonzero(roll.any(axis=1))
    end = active[-1] + 1 if len(active) else 0
    assert np.array_equal(back, roll[:end])


def test_a_stray_late_note_is_refused_not_allocated():
    with pytest.raises(ScoreError, match="absurd"):
        to_pianoroll(score(Track(note_array([(60, 0, 480), (60, 480 * 400_000, 480)]))))
