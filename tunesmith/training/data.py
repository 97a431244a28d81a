"""What the trainer reads: random training windows, validation NLL over contiguous windows, and the
unigram baseline every run reports beside it."""

from __future__ import annotations

import math
from contextlib import nullcontext
from pathlib import Path

import numpy as np
import torch

from tunesmith.errors import TunesmithError


def resolve_data(name: str) -> Path:
    """A folder of training arrays: `name` as a path, else `<cache>/tokens/<name>` (`tunesmith data tokenize`)."""
    from tunesmith.data.cache import cache_root

    if not name:
        raise TunesmithError("no data: give a preset with `data = ...`, or --data DIR")
    path = Path(name).expanduser()
    if (path / "meta.json").is_file():
        return path
    cached = cache_root() / "tokens" / name
    if (cached / "meta.json").is_file():
        return cached
    raise TunesmithError(f"no training arrays at {path} or {cached}; run `tunesmith data tokenize` first")


class Windows:
    """Random windows of block_size + 1 tokens from a flat array (nanoGPT's get_batch), drawn for the whole
    global batch from one generator on every rank, each rank keeping its slice: the global batch is the
    same whatever the number of ranks, and the generator state is the whole data position for resume."""

    def __init__(self, data: np.ndarray, block_size: int, batch_size: int, seed: int, rank: int = 0, world: int = 1):
        if len(data) < block_size + 2:
            raise TunesmithError(f"training split has {len(data)} tokens, fewer than block_size + 2")
        if batch_size % world:
            raise TunesmithError(f"batch_size {batch_size} does not split evenly over {world} ranks")
        self.data, self.block, self.batch, self.rank, self.world = data, block_size, batch_size, rank, world
        self.gen = torch.Generator().manual_seed(seed)
        self.span = np.arange(block_size + 1)

    def next(self) -> tuple[torch.Tensor, torch.Tensor]:
        """(x, y), each (batch_size / world, block_size) int64, y shifted by one."""
        starts = torch.randint(0, len(self.data) - self.block, (self.batch,), generator=self.gen).numpy()
        per = self.batch // self.world
        starts = starts[self.rank * per:(self.rank + 1) * per]
        w = torch.from_numpy(self.data[starts[:, None] + self.span].astype(np.int64))  # (b, T + 1)
        return w[:, :-1], w[:, 1:]

    def get_state(self) -> torch.Tensor:
        return self.gen.get_state()

    def set_state(self, state: torch.Tensor) -> None:
        self.gen.set_state(state)


@torch.no_grad()
def nll_sum(model, data: np.ndarray, block_size: int, batch_size: int, device="cpu", amp=nullcontext,
             rank: int = 0, world: int = 1) -> tuple[float, int]:
    """(sum of NLL in nats, number of tokens) over `data` cut into contiguous non-overlapping windows, each
    scored from an empty context; windows are dealt round-robin over ranks (sum them across ranks).
    `amp` makes the autocast context of the run's precision."""
    n = len(data) - 1  # tokens 1..n are predicted
    starts = list(range(0, n, block_size))[rank::world]
    total, count = 0.0, 0
    was = model.training
    model.eval()
    for i in range(0, len(starts), batch_size):
        group = starts[i:i + batch_size]
        # windows of equal length batch together; the last, shorter one runs alone
        for length in sorted({min(block_size, n - s) for s in group}):
            rows = [s for s in group if min(block_size, n - s) == length]
            w = torch.from_numpy(np.stack([data[s:s + length + 1] for s in rows]).astype(np.int64)).to(device)
            with amp():
                logits, _ = model(w[:, :-1])
            nll = torch.nn.functional.cross_entropy(logits.float().flatten(0, 1), w[:, 1:].flatten(), reduction="sum")
            total += float(nll)
            count += w[:, 1:].numel()
    model.train(was)
    return total, count


def evaluate(model, data: np.ndarray, block_size: int, batch_size: int = 16, device="cpu",
             amp=nullcontext) -> float:
    """Mean NLL per token (nats) of `data` under `model`, in contiguous windows of `block_size` (see nll_sum)."""
    total, count = nll_sum(model, data, block_size, batch_size, device, amp)
    return total / count if count else math.nan


def unigram_nll(train: np.ndarray, valid: np.ndarray, vocab_size: int) -> float:
    """Mean NLL (nats) of valid tokens 1.. under train's token frequencies (add-one smoothed): the baseline."""
    counts = np.bincount(np.asarray(train), minlength=vocab_size).astype(np.float64) + 1.0
    logp = np.log(counts / counts.sum())
    return float(-logp[np.asarray(valid[1:], dtype=np.int64)].mean()) if len(valid) > 1 else math.nan
