import torch

from tunesmith.models import build_model

from .contract import V, check_all, check_incremental, ids


def make(**kw):
    torch.manual_seed(0)
    return build_model("attention-rnn", "debug", vocab_size=V, dropout=0.0, **kw)


def test_contract():
    check_all(make)


def test_untied_and_narrow_embeddings():
    check_incremental(make(tie_embeddings=False, n_embd=16))


def test_attention_reaches_past_outputs_within_the_window():
    """Step t's logits depend on the outputs still in the window; before any output, the read is zero."""
    model = make(attn_length=3).eval()
    state = model.init_state(2)
    assert not state["filled"].any()
    with torch.no_grad():
        _, state = model.forward_incremental(ids(2, 10), state)
    assert state["filled"].all() and state["mem"].shape == (2, 3, 32)
    # the window holds the last 3 outputs, oldest first; their keys are W_m of them
    torch.testing.assert_close(state["mem_keys"], model.att_m(state["mem"]), atol=1e-6, rtol=0)


def test_attention_changes_the_prediction():
    """Zeroing the attention's output weights changes the logits: the attention path is used."""
    model = make().eval()
    x = ids(2, 12)
    with torch.no_grad():
        before = model(x)[0]
        model.out.weight[:, 32:].zero_()  # the a_t half of W_out
        model.in_a.weight.zero_()
        after = model(x)[0]
    assert not torch.allclose(before[:, 2:], after[:, 2:])


def test_attention_weights_are_the_window_read_at_each_step():
    """`attention` maps window slots to positions: row t spreads over t - A .. t - 1, and reading the model's
    memory with those weights gives the same logits (checked by putting them through `_scan` again)."""
    model = make(attn_length=3).eval()
    assert model.attends
    x = ids(2, 10)
    with torch.no_grad():
        w = model.attention(x)
        steps = []
        model._scan(x, model.init_state(2), steps)
    assert w.shape == (2, 1, 1, 10, 10)
    for t in range(10):
        seen = w[:, 0, 0, t]
        assert (seen[:, t:] == 0).all() and (seen[:, : max(t - 3, 0)] == 0).all()
        if t >= 3:  # a full window: the weights are a distribution over the last three positions
            torch.testing.assert_close(seen.sum(-1), torch.ones(2))
            torch.testing.assert_close(seen[:, t - 3:t], steps[t].float())
        if t:  # filled slots only: the weight of the empty ones (before position 0) is left out
            torch.testing.assert_close(seen[:, max(t - 3, 0):t].sum(-1), torch.ones(2), atol=1e-6, rtol=0)


def test_models_without_attention_say_so():
    import pytest

    rnn = build_model("rnn", "debug", vocab_size=V)
    assert not rnn.attends
    with pytest.raises(NotImplementedError, match="no attention"):
        rnn.attention(ids(1, 4))
