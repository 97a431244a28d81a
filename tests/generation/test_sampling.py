import pytest
import torch

from tunesmith.generation.sampling import apply_mask, sample, temperature, top_k, top_p


def test_top_k_keeps_k_largest():
    x = torch.tensor([[1.0, 5.0, 3.0, 4.0]])
    out = top_k(x, 2)
    assert torch.isfinite(out).tolist() == [[False, True, False, True]]


def test_top_p_keeps_the_nucleus_and_never_empties_a_row():
    x = torch.log(torch.tensor([[0.5, 0.3, 0.15, 0.05]]))
    assert torch.isfinite(top_p(x, 0.7)).tolist() == [[True, True, False, False]]
    assert torch.isfinite(top_p(x, 0.01)).tolist() == [[True, False, False, False]]


def test_temperature_must_be_positive():
    with pytest.raises(ValueError):
        temperature(torch.zeros(1, 3), 0)


def test_sampling_respects_the_mask():
    logits = torch.zeros(64, 10)
    allowed = torch.zeros(64, 10, dtype=torch.bool)
    allowed[:, [2, 7]] = True
    drawn = sample(apply_mask(logits, allowed), torch.Generator().manual_seed(0))
    assert set(drawn.tolist()) == {2, 7}
