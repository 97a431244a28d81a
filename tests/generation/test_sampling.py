import numpy as np
import pytest

from tunesmith.generation.sampling import filtered, sample


def kept(x, **kw):
    return np.isfinite(filtered(np.array(x, np.float32), **kw)).tolist()


def test_top_k_keeps_k_largest():
    assert kept([[1.0, 5.0, 3.0, 4.0]], k=2) == [[False, True, False, True]]


def test_top_p_keeps_the_nucleus_and_never_empties_a_row():
    x = np.log([[0.5, 0.25, 0.125, 0.125]])
    assert kept(x, p=0.7) == [[True, True, False, False]]
    assert kept(x, p=0.75) == [[True, True, False, False]]  # 0.5 + 0.25 reaches 0.75: the rest goes
    assert kept(x, p=0.8) == [[True, True, True, False]]  # of two equal ones, the first in order stays
    assert kept(x, p=0.01) == [[True, False, False, False]]


def test_temperature_divides_and_must_be_positive():
    assert filtered(np.array([[2.0, -4.0]]), temp=2.0).tolist() == [[1.0, -2.0]]
    with pytest.raises(ValueError):
        filtered(np.zeros((1, 3)), temp=0)
    with pytest.raises(ValueError):
        filtered(np.zeros((1, 3)), p=0)
    for temp in (float("nan"), float("inf")):  # NaN would draw token 0 from every row, inf uniformly
        with pytest.raises(ValueError, match="finite"):
            sample(np.zeros((1, 3)), np.random.default_rng(0), temp=temp)


def test_the_mask_comes_before_top_k():
    allowed = np.array([[True, False, True, True]])
    assert kept([[1.0, 5.0, 3.0, 4.0]], allowed=allowed, k=2) == [[False, False, True, True]]


def test_sampling_respects_the_mask_and_draws_by_probability():
    rng = np.random.default_rng(0)
    allowed = np.zeros((4000, 10), np.bool_)
    allowed[:, [2, 7]] = True
    logits = np.zeros((4000, 10), np.float32)
    logits[:, 7] = np.log(3.0)  # token 7 three times as likely as token 2
    drawn = sample(logits, rng, allowed)
    assert set(drawn.tolist()) == {2, 7}
    assert abs((drawn == 7).mean() - 0.75) < 0.03  # 4000 draws: sd 0.007
    again = sample(logits, np.random.default_rng(0), allowed)
    assert np.array_equal(drawn, again)
