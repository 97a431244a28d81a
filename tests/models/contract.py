"""Checks every model of the registry must pass: shapes, causality by gradients, incremental decoding equal
to the full forward pass, batch-first states, and learning."""

from __future__ import annotations

import torch

V = 40


def ids(batch=3, length=24, seed=0):
    return torch.randint(0, V, (batch, length), generator=torch.Generator().manual_seed(seed))


def check_shapes(model):
    x = ids()
    logits, loss = model(x)
    assert logits.shape == (3, 24, V) and loss is None
    logits, loss = model(x, x)
    assert loss.ndim == 0 and torch.isfinite(loss)
    ignore = x.clone()
    ignore[:, :5] = -1  # ignored targets
    assert torch.isfinite(model(x, ignore)[1])


def check_causal(model):
    """The gradient of position t's logits reaches the embeddings of positions <= t only."""
    model.eval()
    x = ids(2, 16)
    store = {}

    def keep(module, args, out):
        out.retain_grad()
        store["emb"] = out

    handle = model.embed.register_forward_hook(keep)
    try:
        for t in (0, 5, 15):
            model.zero_grad()
            logits, _ = model(x)
            logits[:, t].sum().backward()
            g = store["emb"].grad.abs().sum(-1)  # (B, T)
            assert (g[:, t + 1:] == 0).all(), f"position {t} sees the future"
            assert (g[:, t] > 0).all()
    finally:
        handle.remove()


def check_incremental(model, length=24, prompt=7, chunk=5):
    """A prompt, then single steps, then a chunk, then steps: the same logits as the full pass (1e-5, fp32)."""
    model.eval()
    x = ids(3, length)
    with torch.no_grad():
        full, _ = model(x)
        state = model.init_state(3)
        out, state = model.forward_incremental(x[:, :prompt], state)
        parts = [out]
        t = prompt
        while t < length:
            if t == prompt + 4:
                out, state = model.forward_incremental(x[:, t:t + chunk], state)
                parts.append(out)
                t += out.size(1)
            else:
                logits, state = model.step(x[:, t], state)
                parts.append(logits[:, None])
                t += 1
        inc = torch.cat(parts, dim=1)
    assert inc.shape == full.shape
    torch.testing.assert_close(inc, full, atol=1e-5, rtol=0)


def check_state(model):
    """States are dicts of batch-first tensors: reordering the batch reorders the next logits. What a state holds
    never changes, and a copy (`select_state`) continues independently of the original."""
    from tunesmith.models import select_state

    model.eval()
    x = ids(3, 10)
    with torch.no_grad():
        state = model.init_state(3)
        assert all(v.size(0) == 3 for v in state.values())
        _, state = model.forward_incremental(x[:, :-1], state)
        logits, _ = model.step(x[:, -1], state)
        again, _ = model.step(x[:, -1], state)
        assert torch.equal(again, logits)
        index = torch.tensor([2, 0, 0, 1])
        moved, _ = model.step(x[index, -1], select_state(state, index))
        _, branch = model.step(x[:, -1], select_state(state, torch.arange(3)))
        _, other = model.step(x[:, 0], state)  # a second continuation of the original
        after, _ = model.step(x[:, 1], branch)
        full, _ = model(torch.cat([x, x[:, 1:2]], dim=1))
    torch.testing.assert_close(moved, logits[index], atol=1e-6, rtol=0)
    torch.testing.assert_close(after, full[:, -1], atol=1e-5, rtol=0)


def check_learns(model, steps=30):
    """A few AdamW steps on one batch lower its loss clearly."""
    torch.manual_seed(0)
    model.train()
    x = ids(4, 20)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-2)
    first = None
    for _ in range(steps):
        _, loss = model(x[:, :-1], x[:, 1:])
        first = first if first is not None else loss.item()
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert loss.item() < first - 0.5


def check_all(model_factory):
    for check in (check_shapes, check_causal, check_incremental, check_state, check_learns):
        check(model_factory())
