import math

from tunesmith.evaluation.voice_leading import (
    out_of_range_notes,
    parallel_fifths,
    parallel_octaves,
    spacing_violations,
    voice_crossing_rate,
    voices,
)
from tunesmith.score import Score, Track

from .scores import chorale, melody, score_of

# (soprano, alto, tenor, bass)
I_C = (72, 64, 55, 48)  # C major: C5 E4 G3 C3


def test_one_parallel_fifth_between_tenor_and_bass():
    s = chorale(I_C, (72, 65, 57, 50))  # bass C3->D3 and tenor G3->A3: a fifth to a fifth, both up
    assert parallel_fifths(s) == 1
    assert parallel_octaves(s) == 0


def test_one_parallel_octave_between_soprano_and_bass():
    s = chorale(I_C, (74, 65, 53, 50))  # soprano C5->D5 with bass C3->D3; tenor moves against them
    assert parallel_octaves(s) == 1
    assert parallel_fifths(s) == 0


def test_fifths_by_contrary_motion_or_held_are_not_parallels():
    contrary = chorale(I_C, (72, 64, 62, 43))  # bass C3->G2, tenor G3->D4: a fifth to a fifth, opposite ways
    assert parallel_fifths(contrary) == 0
    held = chorale(I_C, I_C, (72, 64, 55, 48))  # nothing moves
    assert parallel_fifths(held) == 0 and parallel_octaves(held) == 0


def test_parallels_are_counted_per_step_and_pair():
    s = chorale(I_C, (74, 65, 57, 50), (76, 67, 59, 52))  # S-B octaves and T-B fifths, twice each
    assert parallel_fifths(s) == 2
    assert parallel_octaves(s) == 2


def test_voice_order_follows_pitch_not_track_order():
    s = chorale(I_C, (72, 65, 57, 50))
    reordered = Score(tracks=tuple(reversed(s.tracks)))
    assert parallel_fifths(reordered) == 1
    assert [int(v["pitch"][0]) for v in voices(reordered)] == list(I_C)


def test_a_doubling_track_is_one_voice():
    s = chorale(I_C, (72, 65, 57, 50))
    doubled = Score(tracks=(*s.tracks, s.tracks[0]))
    assert len(voices(doubled)) == 4
    assert parallel_octaves(doubled) == 0


def test_voice_crossing_rate():
    s = chorale(I_C, I_C, (72, 53, 57, 48), I_C)  # third chord: alto F3 under tenor A3
    assert voice_crossing_rate(s) == 0.25
    assert voice_crossing_rate(chorale(I_C, I_C)) == 0.0


def test_spacing_violations_only_between_upper_voices():
    s = chorale((76, 60, 55, 48), I_C, (72, 64, 55, 36))  # S-A 16 once; T-B 19 is allowed
    assert spacing_violations(s) == 1


def test_out_of_range_notes():
    assert out_of_range_notes(chorale(I_C, (84, 64, 55, 36))) == 2  # C6 soprano, C2 bass
    assert out_of_range_notes(chorale(I_C)) == 0


def test_undefined_without_enough_voices():
    one = score_of(melody([60, 62, 64]))
    for fn in (parallel_fifths, parallel_octaves, voice_crossing_rate, spacing_violations, out_of_range_notes):
        assert math.isnan(fn(one))
        assert math.isnan(fn(Score(tracks=(Track(),))))
    two = score_of(melody([72, 74]), melody([60, 62]))
    assert parallel_octaves(two) == 1
    assert math.isnan(spacing_violations(two)) and math.isnan(out_of_range_notes(two))


def test_rests_break_the_motion():
    upper = melody([67, 69])
    lower = melody([60], 0.5)  # silent when the upper voice moves
    assert parallel_fifths(score_of(upper, lower)) == 0
