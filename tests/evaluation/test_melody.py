import math

import pytest

from tunesmith.evaluation.melody import ends_on_tonic, excessive_repetition_rate, leaps_resolved, starts_on_tonic
from tunesmith.score import Score, note_array

from .scores import Q, melody, score_of

C_CHORD = note_array([(48, 0, 16 * Q), (52, 0, 16 * Q), (55, 0, 16 * Q)])  # a held C major triad, low


def test_excessive_repetition_counts_notes_past_four_repeats():
    assert excessive_repetition_rate(score_of(melody([60] * 7))) == pytest.approx(2 / 7)
    assert excessive_repetition_rate(score_of(melody([60] * 5 + [62] * 5))) == 0.0


def test_leap_resolved_by_returning_past_its_origin():
    assert leaps_resolved(score_of(melody([60, 67, 65, 62, 60]))) == 1.0


def test_leap_resolved_by_leaping_back():
    assert leaps_resolved(score_of(melody([60, 67, 59]))) == 1.0


def test_doubled_leap_is_not_resolved():
    assert leaps_resolved(score_of(melody([60, 67, 74, 72]))) == 0.0
    assert leaps_resolved(score_of(melody([60, 67, 74, 72, 60]))) == 0.5  # doubled once, then resolved


def test_no_leap_is_undefined():
    assert math.isnan(leaps_resolved(score_of(melody([60, 62, 64, 65]))))


def test_tonic_at_start_and_end():
    good = score_of(melody([72, 76, 79, 76, 72], [1, 1, 1, 1, 4]), C_CHORD)
    assert starts_on_tonic(good) == 1.0 and ends_on_tonic(good) == 1.0
    open_ended = score_of(melody([67, 72, 76, 79, 76], [1, 1, 1, 1, 4]), C_CHORD)
    assert starts_on_tonic(open_ended) == 0.0 and ends_on_tonic(open_ended) == 0.0


def test_empty_is_nan():
    for fn in (excessive_repetition_rate, leaps_resolved, starts_on_tonic, ends_on_tonic):
        assert math.isnan(fn(Score()))
