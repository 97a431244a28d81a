import numpy as np
import pytest

from tunesmith.errors import ConfigError
from tunesmith.score.model import KeySignature
from tunesmith.theory.scales import (
    SCALES,
    in_key,
    in_scale,
    key_mask,
    key_pitch_classes,
    pitch_mask,
    scale_mask,
    scale_pitch_classes,
)


def test_major_and_minors():
    assert scale_pitch_classes(0, "major") == {0, 2, 4, 5, 7, 9, 11}
    assert scale_pitch_classes("A", "minor") == {9, 11, 0, 2, 4, 5, 7}
    assert scale_pitch_classes("A", "harmonic_minor") == {9, 11, 0, 2, 4, 5, 8}
    assert scale_pitch_classes("A", "melodic_minor") == {9, 11, 0, 2, 4, 6, 8}
    assert scale_pitch_classes("Eb", "major") == {3, 5, 7, 8, 10, 0, 2}


@pytest.mark.parametrize(
    ("mode", "degree"),
    [("ionian", 0), ("dorian", 2), ("phrygian", 4), ("lydian", 5), ("mixolydian", 7), ("aeolian", 9),
     ("locrian", 11)],
)
def test_church_modes_are_the_white_keys(mode, degree):
    assert scale_pitch_classes(degree, mode) == scale_pitch_classes(0, "major")


def test_sizes_of_the_other_scales():
    sizes = {"pentatonic_major": 5, "pentatonic_minor": 5, "blues": 6, "chromatic": 12, "whole_tone": 6}
    for name, size in sizes.items():
        assert len(scale_pitch_classes(3, name)) == size
    assert scale_pitch_classes(0, "blues") == {0, 3, 5, 6, 7, 10}
    assert scale_pitch_classes(9, "pentatonic_minor") == scale_pitch_classes(0, "pentatonic_major")
    assert all(steps[0] == 0 and len(set(steps)) == len(steps) for steps in SCALES.values())


def test_names_are_forgiving_about_case_and_separators():
    assert scale_pitch_classes(0, "Harmonic-Minor") == scale_pitch_classes(0, "harmonic minor")


def test_unknown_scale_lists_the_valid_ones():
    with pytest.raises(ConfigError, match="dorian.*whole_tone"):
        scale_pitch_classes(0, "bebop")


def test_in_scale_is_vectorized():
    pitches = np.array([[60, 61, 62], [71, 72, 73]])
    np.testing.assert_array_equal(in_scale(pitches, 0, "major"), [[True, False, True], [True, True, False]])
    assert in_scale([], 0, "major").shape == (0,)
    assert scale_mask(7, "major").sum() == 7 and scale_mask(7, "major")[6]  # F# in G major


def test_pitch_mask_limits_the_range():
    m = pitch_mask(0, "pentatonic_major", low=60, high=72)
    assert m.shape == (128,)
    assert np.flatnonzero(m).tolist() == [60, 62, 64, 67, 69, 72]


def test_in_key_is_the_major_scale_or_the_three_minors_together():
    assert key_pitch_classes("C", "major") == scale_pitch_classes(0, "major")
    # A minor: F and F#, G and G# all in key; the other chromatic notes not
    assert key_pitch_classes("A", "minor") == {9, 11, 0, 2, 4, 5, 6, 7, 8}
    np.testing.assert_array_equal(in_key([69, 66, 68, 70, 61], KeySignature(0, 9, "minor")),
                                  [True, True, True, False, False])
    assert key_mask(2, "minor").sum() == 9 and not key_mask(2, "minor")[3]  # no Eb in D minor


def test_in_key_knows_only_major_and_minor():
    with pytest.raises(ConfigError, match="major, minor"):
        key_pitch_classes(0, "dorian")
