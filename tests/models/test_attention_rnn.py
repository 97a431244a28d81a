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
