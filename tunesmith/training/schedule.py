"""Learning-rate schedules: pure functions of the step, so that a resumed run needs to store only the step."""

from __future__ import annotations

import math

from tunesmith.errors import ConfigError

SCHEDULES = ("cosine", "constant")


def lr_at(step: int, lr: float, warmup: int, total: int, min_ratio: float = 0.1, kind: str = "cosine") -> float:
    """The learning rate of update `step` (0-based): linear warmup over `warmup` updates, then a cosine
    decay to `min_ratio * lr` at `total` (held there after), or constant."""
    if kind not in SCHEDULES:
        raise ConfigError(f"unknown schedule {kind!r}; valid: {', '.join(SCHEDULES)}")
    if step < warmup:
        return lr * (step + 1) / warmup
    if kind == "constant":
        return lr
    progress = min(1.0, (step - warmup) / max(1, total - warmup))
    return lr * (min_ratio + (1 - min_ratio) * 0.5 * (1 + math.cos(math.pi * progress)))
