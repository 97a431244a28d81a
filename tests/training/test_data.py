import math

import numpy as np
import pytest
import torch

from tunesmith.errors import TunesmithError
from tunesmith.models import build_model
from tunesmith.training.data import Windows, evaluate, nll_sum, resolve_data, unigram_nll

DATA = np.arange(1000, dtype=np.uint16) % 50


def test_windows_are_shifted_pairs_from_a_seeded_generator():
    a, b = Windows(DATA, 16, 8, seed=3), Windows(DATA, 16, 8, seed=3)
    x, y = a.next()
    assert x.shape == y.shape == (8, 16) and x.dtype == torch.int64
    assert torch.equal(x[:, 1:], y[:, :-1])
    assert torch.equal(b.next()[0], x)
    state = a.get_state()
    after = a.next()[0]
    a.set_state(state)
    assert torch.equal(a.next()[0], after)  # the generator state is the whole data position


def test_ranks_split_one_global_batch():
    whole = Windows(DATA, 16, 8, seed=1).next()[0]
    parts = [Windows(DATA, 16, 8, seed=1, rank=r, world=2).next()[0] for r in range(2)]
    assert torch.equal(torch.cat(parts), whole)
    with pytest.raises(TunesmithError, match="evenly"):
        Windows(DATA, 16, 7, seed=1, world=2)


def test_evaluate_scores_every_token_once():
    torch.manual_seed(0)
    model = build_model("transformer", "debug", vocab_size=50, dropout=0.0).eval()
    data = DATA[:203]  # 202 predicted tokens: 6 windows of 32 and a tail of 10
    total, count = nll_sum(model, data, 32, batch_size=4)
    assert count == 202
    expected = 0.0
    with torch.no_grad():
        for s in range(0, 202, 32):
            w = torch.from_numpy(data[s:s + 33].astype(np.int64))[None]
            logits, _ = model(w[:, :-1])
            expected += float(torch.nn.functional.cross_entropy(logits[0], w[0, 1:], reduction="sum"))
    assert total == pytest.approx(expected, rel=1e-5)
    assert evaluate(model, data, 32) == pytest.approx(expected / 202, rel=1e-5)
    halves = [nll_sum(model, data, 32, 4, rank=r, world=2) for r in range(2)]
    assert sum(h[0] for h in halves) == pytest.approx(total) and sum(h[1] for h in halves) == 202


def test_unigram_baseline():
    train = np.array([3, 3, 3, 4], dtype=np.uint16)
    valid = np.array([0, 3, 4], dtype=np.uint16)
    # add-one counts over a vocabulary of 5: p(3) = 4/9, p(4) = 2/9
    assert unigram_nll(train, valid, 5) == pytest.approx(-(math.log(4 / 9) + math.log(2 / 9)) / 2)


def test_resolve_data(tmp_path):
    with pytest.raises(TunesmithError, match="tunesmith data tokenize"):
        resolve_data("no-such-corpus")
    with pytest.raises(TunesmithError, match="no data"):
        resolve_data("")
