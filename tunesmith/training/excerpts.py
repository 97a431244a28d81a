"""The data source of models that read or write whole excerpts (data_kind "excerpts": the VAE, the GAN):
fixed-length windows of N bars (tunesmith.data.excerpts).

A training batch is `(x,)`, x (B, L) int64 the body tokens of B excerpts drawn at random; validation asks the
model for `excerpt_nll(x) -> (B,)` nats per excerpt (a bound for the VAE, the exact NLL for an autoregressive
generator) and reports it per token. The sampler's generator is its whole data position, so that a checkpoint
resumes it exactly, and every rank draws the global batch and keeps its slice."""

from __future__ import annotations

import math
from contextlib import nullcontext

import numpy as np
import torch

from tunesmith.data.excerpts import Excerpts
from tunesmith.errors import TunesmithError
from tunesmith.training.sources import provenance


class ExcerptSource:
    def __init__(self, folder, train):
        self.excerpts = Excerpts.load(folder)
        self.train_config = train
        if self.excerpts.count("train") == 0:
            raise TunesmithError(f"{folder}: the training split holds no excerpt")

    @property
    def meta(self) -> dict:
        return self.excerpts.meta

    @property
    def vocab_size(self) -> int:
        return self.excerpts.vocab_size

    def sampler(self, seed: int, rank: int = 0, world: int = 1) -> ExcerptSampler:
        return ExcerptSampler(self.excerpts.split("train"), self.train_config.batch_size, seed, rank, world)

    def valid(self) -> np.ndarray:
        """The validation excerpts scored: all, or the first `eval_tokens` worth of them."""
        x = self.excerpts.split("valid")
        if self.train_config.eval_tokens:
            x = x[: max(1, self.train_config.eval_tokens // x.shape[1])]
        return x

    def nll_sum(self, model, batch_size: int, device="cpu", amp=nullcontext, rank: int = 0,
                world: int = 1) -> tuple[float, int]:
        """(sum of the model's `excerpt_nll` in nats, number of tokens) over this rank's share of the valid
        excerpts (dealt round-robin; sum over ranks)."""
        x = self.valid()[rank::world]
        total = 0.0
        was = model.training
        model.eval()
        with torch.no_grad():
            for i in range(0, len(x), batch_size):
                batch = torch.from_numpy(np.asarray(x[i:i + batch_size], np.int64)).to(device)
                with amp():
                    total += float(model.excerpt_nll(batch).double().sum())
        model.train(was)
        return total, int(x.size)

    def unigram_nll(self) -> float:
        """Mean NLL (nats) of the valid tokens under the train tokens' frequencies (add-one)."""
        counts = np.bincount(np.asarray(self.excerpts.split("train")).ravel(), minlength=self.vocab_size) + 1.0
        logp = np.log(counts / counts.sum())
        valid = np.asarray(self.valid()).ravel().astype(np.int64)
        return float(-logp[valid].mean()) if len(valid) else math.nan

    def provenance(self) -> dict:
        tokens = {s: v["count"] * self.excerpts.layout["length"] for s, v in self.meta["splits"].items()}
        return provenance(self.excerpts.folder, self.meta, tokens) | {"excerpts": self.excerpts.layout}


class ExcerptSampler:
    """Random excerpts for the whole global batch from one generator on every rank; each rank keeps its slice."""

    def __init__(self, data: np.ndarray, batch_size: int, seed: int, rank: int = 0, world: int = 1):
        if batch_size % world:
            raise TunesmithError(f"batch_size {batch_size} does not split evenly over {world} ranks")
        self.data, self.batch, self.rank, self.world = data, batch_size, rank, world
        self.gen = torch.Generator().manual_seed(seed)

    def next(self):
        """((x,), number of tokens in this rank's slice), x (B / world, L)."""
        picks = torch.randint(0, len(self.data), (self.batch,), generator=self.gen).numpy()
        per = self.batch // self.world
        x = torch.from_numpy(np.asarray(self.data[picks[self.rank * per:(self.rank + 1) * per]], np.int64))
        return (x,), x.numel()

    def get_state(self) -> torch.Tensor:
        return self.gen.get_state()

    def set_state(self, state: torch.Tensor) -> None:
        self.gen.set_state(state)
