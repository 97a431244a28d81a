"""Sampling filters: small `logits -> logits` functions, chained (anticipation's safe_logits, x-transformers'
named filters). Masked entries are -inf; a filter never leaves a row with nothing allowed."""

from __future__ import annotations

import torch

NEG = float("-inf")


def temperature(logits: torch.Tensor, t: float) -> torch.Tensor:
    """Divide by t (> 0): below 1 sharpens, above 1 flattens."""
    if t <= 0:
        raise ValueError(f"temperature must be > 0, got {t}")
    return logits if t == 1 else logits / t  # x / 1 is x: skip the copy


def top_k(logits: torch.Tensor, k: int) -> torch.Tensor:
    """Keep the k largest logits of each row (B, V); k <= 0 keeps everything."""
    if k <= 0 or k >= logits.shape[-1]:
        return logits
    kth = torch.topk(logits, k, dim=-1).values[..., -1:]
    return logits.masked_fill(logits < kth, NEG)


def top_p(logits: torch.Tensor, p: float) -> torch.Tensor:
    """Nucleus filter (Holtzman et al. 2020): keep the smallest set of tokens whose probability reaches p."""
    if p >= 1.0:
        return logits
    if p <= 0:
        raise ValueError(f"top_p must be in (0, 1], got {p}")
    sorted_logits, order = torch.sort(logits, descending=True, dim=-1)
    probs = sorted_logits.softmax(-1)
    drop = probs.cumsum(-1) - probs >= p  # tokens entirely beyond the nucleus; the top one stays
    drop = drop.scatter(-1, order, drop)
    return logits.masked_fill(drop, NEG)


def apply_mask(logits: torch.Tensor, allowed: torch.Tensor) -> torch.Tensor:
    """-inf wherever `allowed` (B, V) bool is False."""
    return torch.where(allowed, logits, NEG)


def sample(logits: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
    """One token per row from logits (B, V) -> (B,): the argmax of p / q with q ~ Exp(1) per token (the
    exponential race, an exact draw from p). It is what torch.multinomial does for one sample, less its checks
    of p (a dozen small operations per token), so a seed draws the same tokens as it did through multinomial."""
    probs = logits.float().softmax(-1)
    q = torch.empty_like(probs).exponential_(1, generator=generator)
    return (probs / q).argmax(-1)
