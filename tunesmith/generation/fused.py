"""Step a Transformer by one token and draw the next in one compiled call, for generation on CPU.

The generic loop (`stream_tokens`) asks the model for logits through the model contract (a torch state,
`forward_incremental`), then samples: two calls out of Python per token and a torch wrapper around the
first, ~80-100 us a token around a ~140 us step for the default model in an instrumented loop. For the
Transformer on CPU in fp32 the two fuse: its compiled step (tunesmith.models.transformer_step) and the
compiled draw (sampling) run as one call, and positions stay Python ints. Same arithmetic, same random
draws: a seed gives the same tokens either way (tested).
"""

from __future__ import annotations

import numpy as np
import torch
from numba import njit

from tunesmith.generation.sampling import draw, exponentials, inputs
from tunesmith.models.transformer_step import decode_step


@njit(cache=True)
def _step_draw(tokens, embed, ln1w, ln1b, wqkv, bqkv, wo, bo, ln2w, ln2b, wf1, bf1, wf2, bf2, lnfw, lnfb, head,
               kb, vb, n, keep, cos, sin, heads, eps, allowed, bias, temp, k, p, q):
    logits = decode_step(tokens, embed, ln1w, ln1b, wqkv, bqkv, wo, bo, ln2w, ln2b, wf1, bf1, wf2, bf2, lnfw, lnfb,
                         head, kb, vb, n, keep, cos, sin, heads, eps)
    return draw(logits, allowed, bias, temp, k, p, q)


class FusedDecoder:
    """Continues a Transformer's decoding `state` (which it then owns): `step_and_sample(tokens, ...)` writes
    `tokens` (B,) and returns the next ones, drawn as `sampling.sample` draws them."""

    def __init__(self, model, state):
        self.model, self.state, self.fast = model, state, model._fast_step
        self.n, self.pos = int(state["cached"][0]), int(state["pos"][0])
        self.k, self.v = state["k"].numpy(), state["v"].numpy()

    @classmethod
    def of(cls, model, state) -> FusedDecoder | None:
        """A decoder continuing `state`, or None for a model without a compiled step (not a Transformer,
        on a GPU, training, not fp32)."""
        k = state.get("k")
        if getattr(model, "_fast_step", None) is None or model.training or k is None \
                or k.dtype != torch.float32 or k.device.type != "cpu":
            return None
        return cls(model, state)

    def step_and_sample(self, tokens: np.ndarray, rng: np.random.Generator, allowed=None, temp: float = 1.0,
                        k: int = 0, p: float = 1.0, bias=None) -> np.ndarray:
        if self.n + 1 > self.k.shape[3]:
            self.state, self.n = self.model.make_room(dict(self.state), self.n, 1)
            self.k, self.v = self.state["k"].numpy(), self.state["v"].numpy()
        shape = (len(tokens), self.fast.weights[0].shape[0])  # (B, V)
        allowed, bias = inputs(shape, allowed, bias, temp, p)
        cos, sin = self.fast.rotation(self.pos)
        keep = min(self.n, self.model.config.block_size - 1)
        out = _step_draw(tokens, *self.fast.weights, self.k, self.v, self.n, keep, cos, sin, self.fast.heads,
                         self.fast.eps, allowed, bias, np.float32(temp), int(k), float(p), exponentials(rng, shape))
        self.n += 1
        self.pos += 1
        return out
