import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tunesmith.errors import ConfigError
from tunesmith.score import KeySignature, Track, transpose
from tunesmith.theory.keys import (
    DEFAULT_PROFILE,
    KEYS,
    PROFILES,
    correlate,
    estimate_key,
    key_correlations,
    key_index,
    local_keys,
    profile_matrix,
)

from .scores import Q, melody, score_of

# C major scale up and down, ending on a held tonic: do re mi fa sol la ti do ti la sol fa mi re do
C_MAJOR = melody([60, 62, 64, 65, 67, 69, 71, 72, 71, 69, 67, 65, 64, 62, 60], [1] * 14 + [4])
# A harmonic minor, up and down, tonic triad at the end
A_MINOR = melody([57, 59, 60, 62, 64, 65, 68, 69, 68, 65, 64, 62, 60, 59, 57, 60, 64, 57], [1] * 17 + [4])
# a tune that outlines the tonic triad: C E G C | G E C - | F A G E | D B C -
C_TUNE = melody([60, 64, 67, 72, 67, 64, 60, 65, 69, 67, 64, 62, 59, 60], [1] * 6 + [2, 1, 1, 1, 1, 1, 1, 2])


def test_c_major_scale_is_c_major():
    # the default profile only: a bare scale is nearly as much A minor as C major, and Aarden's folk-song
    # profile, whose major leading tone is weak (4.95 against 22.1 for the dominant), tips it to A minor
    # (r = 0.739 against 0.731); every profile gets the tune below right
    assert estimate_key(score_of(C_MAJOR)) == KeySignature(0, 0, "major")


@pytest.mark.parametrize("profile", PROFILES)
def test_c_major_tune_is_c_major(profile):
    assert estimate_key(score_of(C_TUNE), profile) == KeySignature(0, 0, "major")


@pytest.mark.parametrize("profile", PROFILES)
def test_a_harmonic_minor_melody_is_a_minor(profile):
    assert estimate_key(score_of(A_MINOR), profile) == KeySignature(0, 9, "minor")


@given(st.integers(-11, 11))
def test_transposing_transposes_the_key(semitones):
    s = score_of(A_MINOR)
    moved = transpose(s, semitones).score
    assert estimate_key(moved) == KeySignature(0, (9 + semitones) % 12, "minor")


def test_correlations_are_pearson_in_key_order():
    s = score_of(C_MAJOR)
    r = key_correlations(s, "krumhansl")
    assert r.shape == (24,)
    hist = np.bincount(C_MAJOR["pitch"] % 12, weights=C_MAJOR["duration"], minlength=12)
    g_major = np.roll(PROFILES["krumhansl"][0], 7)  # profile rotated to tonic G
    assert r[key_index(KeySignature(0, 7, "major"))] == pytest.approx(np.corrcoef(hist, g_major)[0, 1])
    assert KEYS[int(np.argmax(r))] == estimate_key(s, "krumhansl")
    assert np.all(np.abs(r) <= 1 + 1e-9)


def test_profile_matrix_rotates_to_every_tonic():
    m = profile_matrix("temperley")
    assert m.shape == (24, 12)
    np.testing.assert_allclose(m[2], np.roll(m[0], 2))  # D major = C major moved up a tone
    np.testing.assert_allclose(m[12 + 9], np.roll(PROFILES["temperley"][1], 9))  # A minor
    assert all(len(maj) == len(mnr) == 12 for maj, mnr in PROFILES.values())
    assert DEFAULT_PROFILE in PROFILES


def test_duration_weighting_decides():
    # the same notes, but a long G and D: a long dominant tilts C-ish material to G major
    notes = melody([67, 71, 62, 60, 64, 67], [4, 1, 4, 1, 1, 4])
    assert estimate_key(score_of(notes)) == KeySignature(0, 7, "major")


def test_empty_score_has_no_key():
    empty = score_of()
    assert estimate_key(empty) is None
    assert np.isnan(key_correlations(empty)).all()
    assert local_keys(empty) == ()


def test_drums_are_not_evidence():
    drums = Track(melody([61, 66, 66, 61] * 8, 4), is_drum=True)
    assert estimate_key(score_of(A_MINOR, drums)) == KeySignature(0, 9, "minor")


def test_flat_histogram_has_no_key():
    assert estimate_key(score_of(melody(range(60, 72)))) is None  # every pitch class equally long
    assert np.isnan(correlate(np.zeros((3, 12)))).all()


def test_unknown_profile_lists_the_valid_ones():
    with pytest.raises(ConfigError, match="krumhansl"):
        estimate_key(score_of(C_MAJOR), "nope")


def test_local_keys_follow_a_modulation():
    second = C_MAJOR.copy()
    second["pitch"] += 6  # F# major
    second["start"] += int(C_MAJOR["start"].max() + C_MAJOR["duration"][-1])
    s = score_of(np.concatenate([C_MAJOR, second]))
    keys = local_keys(s, window_quarters=8, hop_quarters=2)
    assert keys[0] == KeySignature(0, 0, "major")
    assert (keys[-1].tonic, keys[-1].mode) == (6, "major")
    assert keys[-1].tick > 0 and all(a.tick < b.tick for a, b in zip(keys, keys[1:], strict=False))
    with pytest.raises(ConfigError):
        local_keys(s, window_quarters=0)


def test_key_order_matches_index():
    assert [key_index(k) for k in KEYS] == list(range(24))
    assert KEYS[12 + 9].name == "A minor" and Q == 480
