import pytest

from tunesmith.evaluation.features import (
    FEATURES,
    LENGTH_CLASSES,
    LENGTH_NAMES,
    interval_histogram,
    ioi_histogram,
    length_class,
    melodic_lines,
    note_length_histogram,
    pitch_class_histogram,
    pitch_class_transition_matrix,
)
from tunesmith.score import note_array

from .scores import C_MAJOR_SCALE, Q, melody, score_of

OCTAVE_SCALE = score_of(melody([*C_MAJOR_SCALE, 72]))


def test_shapes_and_sums():
    shapes = {"pitch_class_histogram": (12,), "interval_histogram": (25,), "ioi_histogram": (12,),
              "note_length_histogram": (12,), "pitch_class_transition_matrix": (12, 12)}
    for name, fn in FEATURES.items():
        h = fn(OCTAVE_SCALE)
        assert h.shape == shapes[name]
        assert h.sum() == pytest.approx(1.0)


def test_scale_histograms():
    assert pitch_class_histogram(OCTAVE_SCALE)[0] == pytest.approx(2 / 8)
    iv = interval_histogram(OCTAVE_SCALE)
    assert iv[12 + 2] == pytest.approx(5 / 7) and iv[12 + 1] == pytest.approx(2 / 7)
    quarter = LENGTH_NAMES.index("4th")
    assert note_length_histogram(OCTAVE_SCALE)[quarter] == 1.0
    assert ioi_histogram(OCTAVE_SCALE)[quarter] == 1.0
    tm = pitch_class_transition_matrix(OCTAVE_SCALE)
    assert tm[0, 2] == pytest.approx(1 / 7) and tm[11, 0] == pytest.approx(1 / 7)
    assert (tm > 0).sum() == 7


def test_leaps_beyond_an_octave_fall_in_the_end_bins():
    iv = interval_histogram(score_of(melody([60, 80, 40])))
    assert iv[24] == 0.5 and iv[0] == 0.5


def test_length_classes_snap_to_the_nearest_in_log_scale():
    ticks = (LENGTH_CLASSES * Q).round().astype(int)
    assert list(length_class(ticks)) == list(range(len(LENGTH_CLASSES)))
    assert length_class(8 * Q) == LENGTH_NAMES.index("1st")  # longer than a whole: the longest class
    assert length_class(1) == 0


def test_lines_keep_the_top_note_of_each_onset_and_never_cross_tracks():
    chords = note_array([(60, 0, Q), (64, 0, Q), (67, 0, Q), (62, Q, Q), (65, Q, Q)])
    lines = melodic_lines(score_of(chords, melody([48, 43])))
    assert [list(line["pitch"]) for line in lines] == [[67, 65], [48, 43]]
    assert interval_histogram(score_of(chords, melody([48, 43])))[12 - 2] == 0.5
