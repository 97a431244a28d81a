import numpy as np

from tunesmith.recommend.features import DIM, standardize, tags, vector
from tunesmith.score import KeySignature, Score, TimeSignature, Track, note_array, transpose


def tune(shift=0, minor=False):
    notes = note_array([(62 + shift + p, i * 240, 240) for i, p in enumerate([0, 4, 7, 4, 2, 0, -1, 0])])
    return Score(tracks=(Track(notes),), time_signatures=(TimeSignature(0, 6, 8),),
                 key_signatures=(KeySignature(0, (2 + shift) % 12, "minor" if minor else "major"),))


def test_the_vector_has_its_length_and_is_key_invariant_in_pitch():
    v = vector(tune())
    assert v.shape == (DIM,) and v.dtype == np.float32 and np.isfinite(v).all()
    up, _ = transpose(tune(), 5)
    w = vector(up)
    assert np.allclose(v[:12], w[:12])  # pitch classes counted from the tonic
    assert v[12 + 25 + 24 + 1] == 1.0  # compound meter (6/8)
    assert not np.allclose(v, vector(tune(minor=True)))


def test_an_empty_score_is_zeros_not_nan():
    v = vector(Score())
    assert v.shape == (DIM,) and np.isfinite(v).all()


def test_tags_name_the_tune_type():
    assert tags("irish", "oneills", "D major", "6/8")["kind"] == "jig"
    assert tags("bach", "chorales", "G major", "4/4")["kind"] == "chorale"
    assert tags(None, None, None, None)["kind"] is None


def test_standardize():
    x = np.array([[1.0, 5.0], [3.0, 5.0]])
    z, mean, std = standardize(x)
    assert np.allclose(z[:, 0], [-1, 1]) and np.allclose(z[:, 1], 0) and std[1] == 1.0
