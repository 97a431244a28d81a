"""One decoding step of the Transformer (one new token per sequence) in numpy, for CPU generation.

The math is `Transformer._run` for a single position, in float32: the same weights (numpy views sharing the
parameters' memory), the same rotary factors, exact GELU; the contract tests hold it to the full pass (1e-5).

Why numpy: a step multiplies one vector by each weight matrix (17 for the default model: 12.7 MB streamed
from L3 per token) and does ~100 small operations. On the AMD CPUs we bench on, torch's MKL does those
products at about half the speed of numpy's OpenBLAS, and a small numpy operation costs ~1 us where a torch
one costs 2-10 us (layer norm, GELU through oneDNN, attention for one query): the step takes half the time.
"""

from __future__ import annotations

import functools
import math

import numpy as np
import torch


def _array(p: torch.Tensor | None) -> np.ndarray | None:
    return None if p is None else p.detach().numpy()


def _linear(x: np.ndarray, w: np.ndarray, b: np.ndarray | None) -> np.ndarray:
    y = x @ w.T  # (B, out); w.T is a view: BLAS reads the (out, in) weight as stored
    if b is not None:
        y += b
    return y


@functools.cache
def _average(n: int) -> np.ndarray:
    return np.full(n, 1.0 / n, np.float32)


def _layer_norm(x: np.ndarray, w: np.ndarray, b: np.ndarray | None, eps: float) -> np.ndarray:
    # the means as products with a (C,) vector of 1/C: a BLAS call each, cheaper than x.mean() (Python code)
    # or torch's layer_norm on the same memory
    avg = _average(x.shape[-1])
    d = x - (x @ avg)[:, None]
    d *= (1.0 / np.sqrt(np.square(d) @ avg + eps))[:, None]
    d *= w
    if b is not None:
        d += b
    return d


def _gelu(x: np.ndarray) -> np.ndarray:
    """Exact GELU, x (1 + erf(x / sqrt 2)) / 2, with erf by Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7: the
    formula of torch's own vectorized erf on AVX2). Not torch.erf on the same memory: on a (1, N) tensor it
    may wake torch's second thread, which on a busy 2-core machine costs milliseconds a call."""
    z = np.abs(x) * (1.0 / math.sqrt(2.0))
    t = z * 0.3275911
    t += 1.0
    np.reciprocal(t, out=t)
    p = t * 1.061405429
    for c in (-1.453152027, 1.421413741, -0.284496736, 0.254829592):
        p += c
        p *= t
    np.square(z, out=z)
    np.negative(z, out=z)
    np.exp(z, out=z)
    p *= z  # 1 - erf(|x| / sqrt 2)
    np.subtract(1.0, p, out=p)
    p *= np.abs(x)
    p += x  # x + |x| erf(|x| / sqrt 2) = x (1 + erf(x / sqrt 2))
    p *= 0.5
    return p


class NumpyStep:
    """Numpy views of a Transformer's weights, and the step that uses them. The views share memory with the
    parameters, so training in place keeps them current; a model moved or cast (`.to()`) needs a new one."""

    def __init__(self, model):
        c = model.config
        self.heads, self.rope_base, self.eps = c.n_head, c.rope_base, model.ln_f.eps
        self.embed = _array(model.embed.weight)
        self.layers = [
            [_array(p) for p in (b.ln1.weight, b.ln1.bias, b.attn.qkv.weight, b.attn.qkv.bias, b.attn.proj.weight,
                                 b.attn.proj.bias, b.ln2.weight, b.ln2.bias, b.mlp[0].weight, b.mlp[0].bias,
                                 b.mlp[2].weight, b.mlp[2].bias)]
            for b in model.blocks
        ]
        self.ln_f = (_array(model.ln_f.weight), _array(model.ln_f.bias))
        self.head = _array(model.head.weight)
        self.rot = np.zeros((0, 0), np.complex64)  # rotary factors of positions 0, 1, ... (P, D/2)

    def rotation(self, pos: int) -> np.ndarray:
        """The rotary factors of position `pos` (D/2,) complex, from a table that doubles as positions grow."""
        from tunesmith.models.transformer import rotary

        if pos >= len(self.rot):
            D = self.embed.shape[1] // self.heads
            self.rot = rotary(torch.arange(max(2 * pos, 1024)), D, self.rope_base).numpy()
        return self.rot[pos]

    def __call__(self, tokens: np.ndarray, caches, n: int, keep: int, pos: int) -> np.ndarray:
        """tokens (B,) at position `pos` -> logits (B, V). caches: per layer (k, v) buffers (B, H, N, D) holding
        n positions, the last `keep` seen; the new key and value go to index n."""
        B, H = len(tokens), self.heads
        x = self.embed[tokens]  # (B, C)
        C = x.shape[1]
        D = C // H
        scale = 1.0 / math.sqrt(D)
        rot = self.rotation(pos)
        for (w1, b1, wqkv, bqkv, wo, bo, w2, b2, wf1, bf1, wf2, bf2), (kb, vb) in zip(self.layers, caches):
            qkv = _linear(_layer_norm(x, w1, b1, self.eps), wqkv, bqkv)  # (B, 3C)
            # rotary: adjacent pairs as complex numbers, q and k in one multiply
            qk = (qkv[:, : 2 * C].view(np.complex64).reshape(B, 2, H, D // 2) * rot).view(np.float32)  # (B, 2, H, D)
            kb[:, :, n] = qk[:, 1]
            vb[:, :, n] = qkv[:, 2 * C:].reshape(B, H, D)
            k, v = kb[:, :, n - keep: n + 1], vb[:, :, n - keep: n + 1]  # (B, H, S, D)
            att = np.matmul(k, qk[:, 0, :, :, None])[..., 0]  # (B, H, S)
            att *= scale
            att -= att.max(-1, keepdims=True)
            np.exp(att, out=att)
            att /= att.sum(-1, keepdims=True)
            y = np.matmul(att[:, :, None], v).reshape(B, C)  # (B, H, 1, D) -> (B, C)
            x = x + _linear(y, wo, bo)
            x += _linear(_gelu(_linear(_layer_norm(x, w2, b2, self.eps), wf1, bf1)), wf2, bf2)
        return _layer_norm(x, *self.ln_f, self.eps) @ self.head.T
