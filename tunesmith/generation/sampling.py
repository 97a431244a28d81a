"""Sampling from next-token logits: a mask of allowed tokens, temperature, top-k, top-p (nucleus), then one
draw per row. Rows are numpy float32 (B, V); masked entries become -inf, and a filter never leaves a row
with nothing allowed.

Written as loops compiled by numba rather than as a chain of small numpy or torch operations (anticipation's
safe_logits, x-transformers' filters): they run once per generated token, where session 2's chain of torch
filters and draw took ~100 us a token in a profiled loop, against ~8 us for `sample` here: the difference
is most of a small model's step.
"""

from __future__ import annotations

import functools

import numpy as np
from numba import njit

NEG = np.float32(-np.inf)
TINY = np.float32(np.finfo(np.float32).tiny)


@njit(cache=True)
def _filter_row(x, allowed, bias, temp, k, p):
    """In place on one row x (V,): bias and mask, temperature, top-k, top-p."""
    V = x.shape[0]
    for i in range(V):
        x[i] = (x[i] + bias[i]) / temp if allowed[i] else NEG
    if k > 0 and k < V:
        kth = np.sort(x)[V - k]
        for i in range(V):
            if x[i] < kth:
                x[i] = NEG
    if p < 1.0:
        order = np.argsort(-x, kind="mergesort")  # descending; stable, so ties keep index order
        top = x[order[0]]
        if top == NEG:
            return
        probs = np.exp(x[order] - top)
        probs /= probs.sum()
        before = 0.0  # probability of the tokens ranked above this one
        for r in range(V):
            if before >= p:  # entirely beyond the nucleus; the top token always stays
                x[order[r]] = NEG
            before += probs[r]


@njit(cache=True)
def _filter(x, allowed, bias, temp, k, p):
    for b in range(x.shape[0]):
        _filter_row(x[b], allowed[b], bias, temp, k, p)


@njit(cache=True)
def draw(x, allowed, bias, temp, k, p, q):
    """`_filter` on x in place, then per row the argmax of p_i / q_i with q ~ Exp(1): an exact draw from
    softmax(x) (the exponential race), computed as argmax x_i - log q_i. A row with nothing finite draws 0."""
    _filter(x, allowed, bias, temp, k, p)
    out = np.zeros(x.shape[0], np.int64)
    for b in range(x.shape[0]):
        best = NEG
        for i in range(x.shape[1]):
            if x[b, i] > NEG:
                # float32 draws are 0 with probability ~2^-23: floored, so that such a token cannot win
                # whatever its probability
                s = x[b, i] - np.log(max(q[b, i], TINY))
                if s > best:
                    best, out[b] = s, i
    return out


@functools.cache
def _no_bias(size: int) -> np.ndarray:
    return _read_only(np.zeros(size, np.float32))


def _read_only(a: np.ndarray) -> np.ndarray:
    """`a`, or a read-only view of it: one compiled version serves all (masks from Rules are read-only)."""
    if a.flags.writeable:
        a = a.view()
        a.flags.writeable = False
    return a


def inputs(shape: tuple[int, int], allowed, bias, temp: float, p: float) -> tuple[np.ndarray, np.ndarray]:
    """Checked settings, and `allowed` (B, V) and `bias` (V,) as the compiled filter takes them."""
    if not 0 < temp < np.inf:  # NaN too
        raise ValueError(f"temperature must be finite and > 0, got {temp}")
    if not 0 < p <= 1:
        raise ValueError(f"top_p must be in (0, 1], got {p}")
    if allowed is None:
        allowed = np.ones(shape, np.bool_)
    elif allowed.shape != shape:
        allowed = np.broadcast_to(allowed, shape)
    bias = _no_bias(shape[1]) if bias is None else _read_only(np.asarray(bias, np.float32))
    return _read_only(allowed), bias


def exponentials(rng: np.random.Generator, shape: tuple[int, int]) -> np.ndarray:
    """The Exp(1) draws of one token per row, as `sample` takes them from `rng`."""
    return rng.standard_exponential(shape, dtype=np.float32)


def filtered(logits: np.ndarray, allowed: np.ndarray | None = None, temp: float = 1.0, k: int = 0,
             p: float = 1.0, bias: np.ndarray | None = None) -> np.ndarray:
    """A copy of logits (B, V) plus `bias` (V,), with -inf where `allowed` (B, V) bool is False, divided by
    the temperature (> 0: below 1 sharpens, above 1 flattens), then only the k largest (k <= 0: all) and the
    smallest set of tokens whose probability reaches p (Holtzman et al. 2020; p = 1: all) kept."""
    x = np.array(logits, dtype=np.float32, copy=True, ndmin=2)
    allowed, bias = inputs(x.shape, allowed, bias, temp, p)
    _filter(x, allowed, bias, np.float32(temp), int(k), float(p))
    return x


def sample(logits: np.ndarray, rng: np.random.Generator, allowed: np.ndarray | None = None, temp: float = 1.0,
           k: int = 0, p: float = 1.0, bias: np.ndarray | None = None) -> np.ndarray:
    """One token per row (B,) int64 drawn from `filtered(logits, allowed, temp, k, p, bias)`; `rng` makes it
    reproducible."""
    x = np.array(logits, dtype=np.float32, copy=True, ndmin=2)
    allowed, bias = inputs(x.shape, allowed, bias, temp, p)
    return draw(x, allowed, bias, np.float32(temp), int(k), float(p), exponentials(rng, x.shape))
