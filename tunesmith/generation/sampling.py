"""Sampling filters: small `logits -> logits` functions, chained (anticipation's safe_logits, x-transformers'
named filters). Masked entries are -inf; a filter never leaves a row with nothing allowed."""

from __future__ import annotations

import torch

NEG = float("-inf")


def temperature(logits: torch.Tensor, t: float) -> torch.Tensor:
    """Divide by t (> 0): below 1 sharpens, above 1 flattens."""
    if t <= 0:
        raise ValueError(f"temperature must be > 0, got {t}")
    return logits / t


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
    cum = sorted_logits.softmax(-1).cumsum(-1)
    drop = cum - sorted_logits.softmax(-1) >= p  # tokens entirely beyond the nucleus; the top one stays
    drop = drop.scatter(-1, order, drop)
    return logits.masked_fill(drop, NEG)


def apply_mask(logits: torch.Tensor, allowed: torch.Tensor) -> torch.Tensor:
    """-inf wherever `allowed` (B, V) bool is False."""
    return logits.masked_fill(~allowed, NEG)


def sample(logits: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
    """One token per row from logits (B, V) -> (B,)."""
    probs = logits.float().softmax(-1)
    return torch.multinomial(probs, 1, generator=generator).squeeze(-1)
