"""One decoding step of the Transformer (one new token per sequence), compiled with numba, for CPU generation.

The math is `Transformer._run` for a single position, in float32: the same weights, the same rotary
factors, exact GELU (erf by Abramowitz & Stegun 7.1.26, |error| < 1.5e-7, the formula of torch's own
vectorized erf); the contract tests hold it to the full pass (1e-5).

Why compiled, and why by hand: a step multiplies one vector by each weight matrix and then does a few
hundred small things (layer norms, rotary, attention over up to 255 cached positions, GELU). As torch or
numpy calls those small things cost 2-10 us each, several times the arithmetic in them; written as loops
and compiled once by numba (LLVM, cached on disk beside this file), the whole step is one call and runs near
the speed of the weight reads: 144 us for the default 4x128 model with 255 cached positions, against 601 us
for the same math as numpy calls (bench/RESULTS.md). No library offers a single-token decoder step for an
arbitrary small model on CPU without a C toolchain at install time, hence these ~100 lines.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from numba import njit

SQRT_HALF = np.float32(math.sqrt(0.5))


@njit(cache=True, fastmath=True)
def _matvec(x, w, out):
    """out (B, O) = x (B, I) @ w (O, I).T; the inner loop runs along a row of w (SIMD, one pass over w)."""
    for o in range(w.shape[0]):
        for b in range(x.shape[0]):
            acc = np.float32(0.0)
            for i in range(w.shape[1]):
                acc += w[o, i] * x[b, i]
            out[b, o] = acc


@njit(cache=True, fastmath=True)
def _layer_norm(x, w, b, eps, out):
    C = x.shape[1]
    for r in range(x.shape[0]):
        m = np.float32(0.0)
        for i in range(C):
            m += x[r, i]
        m /= C
        v = np.float32(0.0)
        for i in range(C):
            v += (x[r, i] - m) * (x[r, i] - m)
        s = np.float32(1.0) / np.sqrt(v / C + eps)
        for i in range(C):
            out[r, i] = (x[r, i] - m) * s * w[i] + b[i]


@njit(cache=True, fastmath=True)
def _gelu(f):
    for b in range(f.shape[0]):
        for j in range(f.shape[1]):
            v = f[b, j]
            z = min(abs(v) * SQRT_HALF, np.float32(6.0))  # erf(6) is 1 in float32; exp(-z^2) stays normal
            t = np.float32(1.0) / (np.float32(1.0) + np.float32(0.3275911) * z)
            p = t * (np.float32(0.254829592) + t * (np.float32(-0.284496736) + t * (
                np.float32(1.421413741) + t * (np.float32(-1.453152027) + t * np.float32(1.061405429)))))
            f[b, j] = np.float32(0.5) * (v + abs(v) * (np.float32(1.0) - p * np.exp(-z * z)))


@njit(cache=True, fastmath=True)
def _attend(qkv, kb, vb, b, layer, n, keep, cos, sin, heads, y, att, acc):
    """Rotate q and k of sequence b, write k and v at cache index n, and attend over the last keep + 1.
    qkv (B, 3C); kb, vb (B, L, H, N, D); cos, sin (D/2,); y (B, C) out; att (keep + 1,), acc (D,) scratch."""
    C = y.shape[1]
    D = C // heads
    scale = np.float32(1.0 / math.sqrt(D))
    for h in range(heads):
        for part in (0, C):  # q, then k: adjacent pairs (2i, 2i+1) turned by the rotary factors
            for i in range(D // 2):
                j = part + h * D + 2 * i
                a0, a1 = qkv[b, j], qkv[b, j + 1]
                qkv[b, j], qkv[b, j + 1] = a0 * cos[i] - a1 * sin[i], a0 * sin[i] + a1 * cos[i]
        K, V = kb[b, layer, h], vb[b, layer, h]  # (N, D)
        for d in range(D):
            K[n, d] = qkv[b, C + h * D + d]
            V[n, d] = qkv[b, 2 * C + h * D + d]
        top = np.float32(-1e30)
        for s in range(keep + 1):
            dot = np.float32(0.0)
            for d in range(D):
                dot += K[n - keep + s, d] * qkv[b, h * D + d]
            att[s] = dot * scale
            top = max(top, att[s])
        total = np.float32(0.0)
        for s in range(keep + 1):
            # weights below e^-30 of the largest count as 0 (far below float32's precision next to it): exp
            # of very negative scores gives subnormal floats, and arithmetic on them is slower on x86 (about
            # 2x for exp and multiply-adds in a test on the Zen 3 we bench on)
            d = att[s] - top
            att[s] = np.exp(d) if d > np.float32(-30.0) else np.float32(0.0)
            total += att[s]
        acc[:] = 0.0
        for s in range(keep + 1):
            for d in range(D):
                acc[d] += att[s] * V[n - keep + s, d]
        for d in range(D):
            y[b, h * D + d] = acc[d] / total


@njit(cache=True, fastmath=True)
def decode_step(tokens, embed, ln1w, ln1b, wqkv, bqkv, wo, bo, ln2w, ln2b, wf1, bf1, wf2, bf2, lnfw, lnfb, head,
          kb, vb, n, keep, cos, sin, heads, eps):
    """tokens (B,) -> logits (B, V); weights stacked over the L layers (wqkv (L, 3C, C), ...); kb, vb (B, L, H, N, D)
    key and value buffers holding n positions, the new ones written at index n."""
    B, (L, C3, C), F = len(tokens), wqkv.shape, wf1.shape[1]
    x, h, y = np.empty((B, C), np.float32), np.empty((B, C), np.float32), np.empty((B, C), np.float32)
    qkv, f = np.empty((B, C3), np.float32), np.empty((B, F), np.float32)
    att, acc = np.empty(keep + 1, np.float32), np.empty(C // heads, np.float32)
    for b in range(B):
        x[b] = embed[tokens[b]]
    for layer in range(L):
        _layer_norm(x, ln1w[layer], ln1b[layer], eps, h)
        _matvec(h, wqkv[layer], qkv)
        for b in range(B):
            qkv[b] += bqkv[layer]
            _attend(qkv, kb, vb, b, layer, n, keep, cos, sin, heads, y, att, acc)
        _matvec(y, wo[layer], h)
        for b in range(B):
            x[b] += h[b] + bo[layer]
        _layer_norm(x, ln2w[layer], ln2b[layer], eps, h)
        _matvec(h, wf1[layer], f)
        for b in range(B):
            f[b] += bf1[layer]
        _gelu(f)
        _matvec(f, wf2[layer], h)
        for b in range(B):
            x[b] += h[b] + bf2[layer]
    _layer_norm(x, lnfw, lnfb, eps, h)
    out = np.empty((B, head.shape[0]), np.float32)
    _matvec(h, head, out)
    return out


def _array(p: torch.Tensor | None, size: int) -> np.ndarray:
    return np.zeros(size, np.float32) if p is None else np.array(p.detach().numpy(), np.float32, copy=True)


class CompiledStep:
    """A Transformer's weights as float32 arrays (each kind stacked over the layers, so that one compiled
    function serves every depth), and the step that uses them. A copy: made again when generation starts
    (`Transformer.init_state`), so training in between is seen."""

    def __init__(self, model):
        c = model.config
        C = c.n_embd
        self.heads, self.rope_base, self.eps = c.n_head, c.rope_base, np.float32(model.ln_f.eps)
        blocks = model.blocks

        def stack(get, size):
            return np.ascontiguousarray(np.stack([_array(get(b), size) for b in blocks]))

        self.weights = (
            _array(model.embed.weight, 0),
            stack(lambda b: b.ln1.weight, C), stack(lambda b: b.ln1.bias, C),
            stack(lambda b: b.attn.qkv.weight, 0), stack(lambda b: b.attn.qkv.bias, 3 * C),
            stack(lambda b: b.attn.proj.weight, 0), stack(lambda b: b.attn.proj.bias, C),
            stack(lambda b: b.ln2.weight, C), stack(lambda b: b.ln2.bias, C),
            stack(lambda b: b.mlp[0].weight, 0), stack(lambda b: b.mlp[0].bias, 4 * C),
            stack(lambda b: b.mlp[2].weight, 0), stack(lambda b: b.mlp[2].bias, C),
            _array(model.ln_f.weight, C), _array(model.ln_f.bias, C), _array(model.head.weight, 0),
        )
        self.cos = self.sin = np.zeros((0, 0), np.float32)  # rotary factors of positions 0, 1, ... (P, D/2)

    def rotation(self, pos: int) -> tuple[np.ndarray, np.ndarray]:
        """cos and sin of the rotary angles of position `pos` (D/2,), from a table that doubles as positions grow."""
        from tunesmith.models.transformer import rotary

        if pos >= len(self.cos):
            D = self.weights[0].shape[1] // self.heads
            rot = rotary(torch.arange(max(2 * pos, 1024)), D, self.rope_base)
            self.cos, self.sin = rot.real.contiguous().numpy(), rot.imag.contiguous().numpy()
        return self.cos[pos], self.sin[pos]

    def __call__(self, tokens: np.ndarray, k: np.ndarray, v: np.ndarray, n: int, keep: int, pos: int) -> np.ndarray:
        """tokens (B,) at position `pos` -> logits (B, V). k, v: key and value buffers (B, L, H, N, D) holding n
        positions, the last `keep` seen; the new key and value go to index n."""
        cos, sin = self.rotation(pos)
        return decode_step(tokens.astype(np.int64, copy=False), *self.weights, k, v, n, keep, cos, sin, self.heads,
                     self.eps)
