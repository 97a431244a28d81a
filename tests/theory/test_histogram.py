import numpy as np
import pytest

from tunesmith.errors import ConfigError
from tunesmith.score import Track, note_array
from tunesmith.theory.histogram import pitch_class_histogram, pitch_class_histograms, window_overlaps

from .scores import Q, score_of


def test_duration_and_count_weights():
    notes = note_array([(60, 0, Q), (72, Q, 2 * Q), (67, 0, 3 * Q)])
    s = score_of(notes, Track(note_array([(38, 0, Q)]), is_drum=True))
    h = pitch_class_histogram(s)
    assert h[0] == 3 * Q and h[7] == 3 * Q and h.sum() == 6 * Q  # the drum is left out
    assert pitch_class_histogram(notes, "count")[[0, 7]].tolist() == [2, 1]
    with pytest.raises(ConfigError, match="duration"):
        pitch_class_histogram(notes, "velocity")


def test_windows_split_notes_at_their_edges():
    notes = note_array([(60, 100, 1000), (62, 2000, 10), (64, 5000, 100)])  # the E is after the last edge
    h = pitch_class_histograms(notes, [0, 480, 960, 1440, 2400])
    np.testing.assert_array_equal(h[:, 0], [380, 480, 140, 0])
    np.testing.assert_array_equal(h[:, 2], [0, 0, 0, 10])
    assert h[:, 4].sum() == 0 and h.shape == (4, 12)
    note, win, overlap = window_overlaps(notes, np.array([0, 480, 960, 1440, 2400]))
    assert note.tolist() == [0, 0, 0, 1] and win.tolist() == [0, 1, 2, 3] and overlap.sum() == 1010


def test_no_notes_or_no_windows():
    assert pitch_class_histogram(score_of()).sum() == 0
    assert pitch_class_histograms(score_of(), [0, 480]).shape == (1, 12)
    assert pitch_class_histograms(note_array([(60, 0, Q)]), [0]).shape == (0, 12)
