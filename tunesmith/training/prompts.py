"""The data source of models tuned on their own rollouts (data_kind "prompts": RL Tuner): the conditioning
prefixes of training pieces to roll out from, and the flat validation tokens to measure how far the tuned model
has drifted from real music (its NLL of held-out pieces, as for any sequence model).

A training batch is `(prompts,)`, prompts (B, 5) int64: BOS, Style, Key, Meter, Tempo of B training pieces drawn
at random (pieces without all four are left out); the count reported with it is of rollouts, not tokens."""

from __future__ import annotations

import numpy as np
import torch

from tunesmith.errors import TunesmithError
from tunesmith.training.sources import TokenSource

FAMILIES = ["Style", "Key", "Meter", "Tempo"]


class PromptSource(TokenSource):
    def __init__(self, folder, train):
        super().__init__(folder, train)
        vocab = self.meta["vocab"]
        heads = [np.asarray(s[:5], np.int64) for s in self.arrays.sequences("train") if len(s) > 5]
        keep = [h for h in heads if vocab[h[0]] == "BOS" and [vocab[i].split("_")[0] for i in h[1:]] == FAMILIES]
        if not keep:
            raise TunesmithError(f"{folder}: no training piece begins with style, key, meter and tempo tokens")
        self.prompts = np.stack(keep)  # (N, 5)

    def sampler(self, seed: int, rank: int = 0, world: int = 1):
        return PromptSampler(self.prompts, self.train_config.batch_size, seed, rank, world)


class PromptSampler:
    """Random prompts for the whole global batch from one generator on every rank; each rank keeps its slice."""

    def __init__(self, prompts: np.ndarray, batch_size: int, seed: int, rank: int = 0, world: int = 1):
        if batch_size % world:
            raise TunesmithError(f"batch_size {batch_size} does not split evenly over {world} ranks")
        self.prompts, self.batch, self.rank, self.world = prompts, batch_size, rank, world
        self.gen = torch.Generator().manual_seed(seed)

    def next(self):
        picks = torch.randint(0, len(self.prompts), (self.batch,), generator=self.gen).numpy()
        per = self.batch // self.world
        x = torch.from_numpy(self.prompts[picks[self.rank * per:(self.rank + 1) * per]])
        return (x,), len(x)

    def get_state(self) -> torch.Tensor:
        return self.gen.get_state()

    def set_state(self, state: torch.Tensor) -> None:
        self.gen.set_state(state)
