"""The seq2seq family: the decoder bound to a source passes every check of the sequence-model contract
(causality by gradients, incremental = full pass, states, learning); the source is read whole (both
directions), padding changes nothing, and the attention over the source is a distribution over real positions."""

import pytest
import torch

from tunesmith.models import build_model, select_state
from tunesmith.models.conditional import PAD

from .contract import V, check_all


def make(**kw):
    torch.manual_seed(0)
    return build_model("seq2seq", "debug", vocab_size=V, dropout=0.0, **kw)


def source(batch=1, length=17, seed=1):
    return torch.randint(1, V, (batch, length), generator=torch.Generator().manual_seed(seed))


@pytest.mark.parametrize("kw", [{}, {"enc_layers": 2, "dec_layers": 2}, {"tie_embeddings": True}])
def test_the_decoder_given_a_source_is_a_sequence_model(kw):
    src = source()
    check_all(lambda: make(**kw).given(src[0]))


def test_every_target_position_sees_the_whole_source():
    """A change at the end of the source changes the logits of the first target position: the encoder reads
    both ways, as a harmonizer must see where the melody goes."""
    model = make().eval()
    src, ids = source(), torch.randint(1, V, (1, 6))
    other = src.clone()
    other[0, -1] = (other[0, -1] % (V - 1)) + 1
    with torch.no_grad():
        a, b = model(src, ids)[0], model(other, ids)[0]
    assert not torch.allclose(a[:, 0], b[:, 0])


def test_padding_changes_nothing():
    model = make().eval()
    a, b = source(1, 12, seed=2), source(1, 17, seed=3)
    batch = torch.full((2, 17), PAD)
    batch[0, :12], batch[1] = a[0], b[0]
    ids = torch.randint(1, V, (2, 9))
    with torch.no_grad():
        together = model(batch, ids)[0]
        alone = torch.cat([model(a, ids[:1])[0], model(b, ids[1:])[0]])
    torch.testing.assert_close(together, alone, atol=1e-5, rtol=0)


def test_source_attention_is_a_distribution_over_real_positions():
    model = make().eval()
    src = source(2, 10)
    src[1, 7:] = PAD
    ids = torch.randint(1, V, (2, 5))
    with torch.no_grad():
        w = model.source_attention(src, ids)
        w_given = model.given(src[1]).source_attention(ids[1:])
    assert w.shape == (2, model.config.n_head, 5, 10)
    torch.testing.assert_close(w.sum(-1), torch.ones(2, model.config.n_head, 5))
    assert (w[1, :, :, 7:] == 0).all()
    torch.testing.assert_close(w_given[0, :, :, :7], w[1, :, :, :7])


def test_beams_carry_their_source():
    """The memory is part of the state: reordering the batch of a state reorders its source with it."""
    model = make().eval()
    given = model.given(source()[0])
    with torch.no_grad():
        state = given.init_state(3)
        _, state = given.forward_incremental(torch.randint(1, V, (3, 4)), state)
        index = torch.tensor([2, 2, 0])
        moved = select_state(state, index)
        assert all(v.size(0) == 3 for v in moved.values())
        a, _ = given.step(torch.tensor([5, 5, 5]), moved)
        b, _ = given.step(torch.tensor([5, 5, 5]), state)
    torch.testing.assert_close(a, b[index])


def test_training_step_is_the_masked_cross_entropy():
    model = make()
    src, x = source(2, 8), torch.randint(1, V, (2, 8))
    y = x.roll(-1, 1)
    y[:, :3] = -1
    loss, logs = model.training_step((src, x, y))
    logits, _ = model(src, x)
    manual = torch.nn.functional.cross_entropy(logits.flatten(0, 1), y.flatten(), ignore_index=-1)
    torch.testing.assert_close(loss, manual)
    assert logs == {}


def test_a_window_limits_attention_to_nearby_source_positions():
    model = make(window=3).eval()
    src, ids = source(1, 20), torch.randint(1, V, (1, 20))
    with torch.no_grad():
        w = model.source_attention(src, ids)[0]  # (heads, T, S)
        far = torch.ones(20, 20, dtype=torch.bool).triu(4) | torch.ones(20, 20, dtype=torch.bool).tril(-4)
        assert (w[:, far] == 0).all() and (w.sum(-1) - 1).abs().max() < 1e-5
        short = make().eval()  # the same weights without a window: the same on a source within reach
        short.load_state_dict(model.state_dict())
        torch.testing.assert_close(model(src[:, :4], ids[:, :4])[0], short(src[:, :4], ids[:, :4])[0])
        one = model.source_attention(src, ids[:, :1])  # one step reads only its window: the same weights
        torch.testing.assert_close(one, model.source_attention(src, ids)[:, :, :1])
    check_all(lambda: make(window=5).given(source()[0]))
