import math

import pytest

from tunesmith.evaluation.harmony import (
    estimated_minor,
    final_tonic_triad,
    key_accidentals,
    non_tertian_beat_rate,
    notated_minor,
)
from tunesmith.score import KeySignature, Score

from .scores import C_MAJOR_SCALE, chorale, melody, score_of

C_MAJOR, A_MINOR = KeySignature(0, 0, "major"), KeySignature(0, 9, "minor")


def keyed(score, *keys):
    return score.replace(key_signatures=keys)


def test_every_function_is_nan_on_an_empty_score():
    for fn in (final_tonic_triad, non_tertian_beat_rate, key_accidentals, notated_minor, estimated_minor):
        assert math.isnan(fn(Score(key_signatures=(C_MAJOR,))))


def test_final_tonic_triad_in_the_notated_key():
    v_i = chorale((74, 67, 59, 43), (72, 64, 55, 48))
    assert final_tonic_triad(keyed(v_i, C_MAJOR)) == 1.0
    assert final_tonic_triad(keyed(v_i, KeySignature(0, 7, "major"))) == 0.0  # in G: ends on IV
    i_v = chorale((72, 64, 55, 48), (74, 67, 59, 43))
    assert final_tonic_triad(keyed(i_v, C_MAJOR)) == 0.0


def test_final_tonic_triad_takes_a_picardy_third_and_no_melody():
    picardy = chorale((71, 64, 56, 52), (69, 64, 61, 45))  # E major -> A major in A minor
    assert final_tonic_triad(keyed(picardy, A_MINOR)) == 1.0
    minor_in_major = chorale((71, 64, 56, 52), (69, 64, 60, 45))
    assert final_tonic_triad(keyed(minor_in_major, KeySignature(0, 9, "major"))) == 0.0
    assert math.isnan(final_tonic_triad(keyed(score_of(melody([60, 64, 67])), C_MAJOR)))


def test_non_tertian_beats():
    s = chorale((72, 64, 55, 48), (72, 65, 57, 50), (74, 67, 59, 43))  # C, Dm7, G
    assert non_tertian_beat_rate(s) == 0.0
    cluster = chorale((72, 64, 55, 48), (64, 62, 60, 48))  # C E G, then C D E
    assert non_tertian_beat_rate(cluster) == pytest.approx(1 / 2)
    assert math.isnan(non_tertian_beat_rate(score_of(melody(C_MAJOR_SCALE))))


def test_key_accidentals_and_modes():
    tune = score_of(melody([69, 72, 76, 74, 72, 71, 69]))
    assert key_accidentals(keyed(tune, KeySignature(0, 4, "major"))) == 4  # E major
    assert key_accidentals(keyed(tune, KeySignature(0, 1, "major"))) == 5  # Db, not C#
    assert key_accidentals(keyed(tune, KeySignature(0, 1, "minor"))) == 4  # C# minor
    assert math.isnan(key_accidentals(tune))
    assert notated_minor(keyed(tune, A_MINOR)) == 1.0 and notated_minor(keyed(tune, C_MAJOR)) == 0.0
    assert estimated_minor(tune) == 1.0  # A C E D C B A: A minor by ear, whatever the signature
    assert estimated_minor(score_of(melody([60, 64, 67, 65, 64, 62, 60]))) == 0.0
