import math

import pytest

from tunesmith.evaluation.structure import (
    bar_repeats,
    cadence_rate,
    final_cadence,
    first_bar_silent,
    repeated_bar_pairs,
    repeated_bars,
    ties_over_bar_lines,
)
from tunesmith.score import KeySignature, Score

from .scores import Q, chorale, melody, score_of

C_MAJOR = (KeySignature(0, 0, "major"),)
BAR_A = [60, 62, 64, 65]
BAR_B = [67, 65, 64, 62]


def keyed(*tracks, meter=(4, 4)):
    return score_of(*tracks, meter=meter).replace(key_signatures=C_MAJOR)


def test_every_function_is_nan_on_an_empty_score():
    for fn in (first_bar_silent, repeated_bars, repeated_bar_pairs, ties_over_bar_lines, cadence_rate, final_cadence):
        assert math.isnan(fn(Score()))


def test_first_bar_silent_but_not_with_a_pickup():
    assert first_bar_silent(score_of(melody([60, 62], start=4 * Q))) == 1.0
    assert first_bar_silent(score_of(melody([60, 62], start=3 * Q))) == 0.0  # a pickup on beat 4
    assert first_bar_silent(score_of(melody([60, 62], start=3 * Q), meter=(6, 8))) == 1.0  # 6/8: a bar is 3 Q


def test_repeated_bars_count_later_exact_repeats_only():
    s = score_of(melody(BAR_A + BAR_B + BAR_A + BAR_A))
    assert repeated_bars(s) == pytest.approx(2 / 4)  # bars 3 and 4 repeat bar 1; bar 1 itself does not count
    transposed = score_of(melody(BAR_A + [p + 2 for p in BAR_A]))
    assert repeated_bars(transposed) == 0.0
    rhythm = score_of(melody(BAR_A * 2, [1] * 4 + [1.5, 0.5, 1, 1]))
    assert repeated_bars(rhythm) == 0.0


def test_two_bar_units_and_pickups():
    s = score_of(melody(BAR_A + BAR_B + BAR_A + BAR_B + BAR_B + BAR_A))
    assert repeated_bar_pairs(s) == pytest.approx(1 / 3)  # (A B) (A B) (B A)
    assert repeated_bars(s) == pytest.approx(4 / 6)
    # a pickup is in no unit: the same tune after a one-beat pickup repeats the same way
    pickup = score_of(melody([55] + BAR_A + BAR_B + BAR_A + BAR_B, start=3 * Q))
    assert repeated_bar_pairs(pickup) == pytest.approx(1 / 2)
    assert bar_repeats(pickup, 4) == 0.0  # one whole 4-bar unit, repeating nothing
    assert math.isnan(bar_repeats(score_of(melody(BAR_A)), 2))  # no whole 2-bar unit


def test_ties_over_bar_lines_per_line():
    # C C C then D as a half note over the bar line at 4Q; the piece ends at 8Q, so that is its one line
    s = score_of(melody([60, 60, 60, 62, 64, 65, 67], [1, 1, 1, 2, 1, 1, 1]))
    assert ties_over_bar_lines(s) == pytest.approx(1 / 1)  # the only line inside the piece is crossed
    two_voices = score_of(melody([60, 62, 64], [3, 2, 3]), melody([48, 50], [5, 3]))
    assert ties_over_bar_lines(two_voices) == pytest.approx(2 / 1)  # both voices hold over the line at 4Q
    assert ties_over_bar_lines(score_of(melody(BAR_A + BAR_B))) == 0.0


def test_cadence_rate_at_rule_phrase_ends_and_given_ones():
    # a melody in C: bar 2 closes on D (a half close), the tune ends D -> C (a full close)
    s = keyed(melody([60, 64, 67, 64, 65, 64, 62, 62, 64, 65, 64, 62, 64, 62, 60], [1] * 6 + [2] + [1] * 8))
    assert cadence_rate(s) == 1.0
    e_c = keyed(melody([60, 64, 67, 64, 65, 64, 62, 62, 64, 65, 64, 62, 64, 60], [1] * 6 + [2] + [1] * 7))
    assert cadence_rate(e_c) == 0.5  # E -> C is I -> I: the half close only
    ends_on_a = keyed(melody([60, 64, 67, 64, 65, 64, 69, 69], [1] * 6 + [1, 1]))  # on the 6th, then again
    assert cadence_rate(ends_on_a) == 0.0
    assert cadence_rate(s, ends=[Q]) == 0.0  # E after C at beat 2: no cadence there


def test_final_cadence_needs_a_full_close_at_the_end():
    v_i = keyed(*chorale((74, 67, 59, 43), (72, 64, 55, 48)).tracks)
    assert final_cadence(v_i) == 1.0
    i_v = keyed(*chorale((72, 64, 55, 48), (74, 67, 59, 43)).tracks)  # a half cadence leaves it open
    assert final_cadence(i_v) == 0.0
    assert final_cadence(keyed(melody([64, 65, 62, 60]))) == 1.0  # D -> C
    assert final_cadence(keyed(melody([60, 62, 64, 60]))) == 0.0  # E -> C: I -> I
