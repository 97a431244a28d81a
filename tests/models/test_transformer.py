import pytest
import torch

from tunesmith.errors import ConfigError
from tunesmith.models import TransformerConfig, build_model

from .contract import V, check_all, check_incremental, ids


def make(**kw):
    torch.manual_seed(0)
    return build_model("transformer", "debug", vocab_size=V, dropout=0.0, **kw)


def test_contract():
    check_all(make)


def test_with_bias_and_untied():
    check_incremental(make(bias=True, tie_embeddings=False))


def test_attention_weights_match_the_fast_path():
    model = make().eval()
    x = ids(2, 20)
    with torch.no_grad():
        fast, _ = model(x)
        slow, weights = model.attention_weights(x)
    torch.testing.assert_close(slow, fast, atol=1e-5, rtol=0)
    assert len(weights) == 2 and weights[0].shape == (2, 2, 20, 20)
    for w in weights:
        torch.testing.assert_close(w.sum(-1), torch.ones(2, 2, 20))
        assert (w.triu(1) == 0).all()  # causal


def test_relative_positions():
    """Rotary attention depends on offsets only: a sequence scores the same shifted in absolute position."""
    model = make().eval()
    x = ids(1, 12)
    with torch.no_grad():
        a = model._run(x, 0)[0]
        b = model._run(x, 1000)[0]
    torch.testing.assert_close(a, b, atol=1e-4, rtol=0)


def test_cache_slides_past_the_block_size():
    model = make(block_size=8, n_layer=1).eval()
    x = ids(2, 30)
    state = model.init_state(2)
    with torch.no_grad():
        _, state = model.forward_incremental(x[:, :5], state)
        for t in range(5, 30):
            logits, state = model.step(x[:, t], state)
        # when full, new buffers hold the 7 positions still seen, the new one and room for 8 (block_size):
        # renewed at positions 13 and 22, then 7 more tokens
        assert state["k"].size(3) == 16 and int(state["cached"][0]) == 15 and int(state["pos"][0]) == 30
        # the last step saw exactly the last 8 tokens: with one layer (keys depend on their token only, and
        # rotary positions are relative) that is a fresh pass over them
        fresh, _ = model(x[:, -8:])
    torch.testing.assert_close(logits, fresh[:, -1], atol=1e-5, rtol=0)


def test_heads_must_divide_width():
    with pytest.raises(ConfigError, match="heads"):
        TransformerConfig(n_embd=30, n_head=4)


def test_flops_count_attention():
    model = make()
    assert model.flops_per_token(64) > 6 * model.num_params(embedding=False)


def test_compiled_step_matches_the_torch_step():
    """One token at a time runs compiled on CPU (transformer_step); the torch path gives the same logits."""
    model = make(bias=True, tie_embeddings=False).eval()
    x = ids(2, 12)
    with torch.no_grad():
        state = model.init_state(2)
        _, state = model.forward_incremental(x[:, :-1], state)
        fast, _ = model.step(x[:, -1], state)
        model._fast_step = None
        slow, _ = model.step(x[:, -1], state)
    torch.testing.assert_close(fast, slow, atol=1e-5, rtol=0)


def test_attention_sees_the_window_a_generated_token_sees():
    """`attention` is the contract's view of the weights: within the block it is the plain causal softmax; past
    it each query sees the last block_size positions, and the logits of that pass are those of generating one
    token at a time with the sliding cache."""
    model = make(block_size=8).eval()
    assert model.attends
    x = ids(2, 30)
    with torch.no_grad():
        short = model.attention(x[:, :8])
        _, plain = model.attention_weights(x[:, :8])
        torch.testing.assert_close(short, torch.stack(plain, 1))
        w = model.attention(x)
        windowed, _ = model._run(x, 0, weights=True, window=8)
        state = model.init_state(2)
        stepped = []
        for t in range(30):
            logits, state = model.step(x[:, t], state)
            stepped.append(logits)
    assert w.shape == (2, 2, 2, 30, 30)
    torch.testing.assert_close(w.sum(-1), torch.ones(2, 2, 2, 30))
    rows, cols = torch.meshgrid(torch.arange(30), torch.arange(30), indexing="ij")
    outside = (cols > rows) | (cols <= rows - 8)
    assert (w[..., outside] == 0).all() and (w[..., ~outside] > 0).all()
    torch.testing.assert_close(windowed, torch.stack(stepped, 1), atol=1e-4, rtol=0)
