"""The data source of conditional models (data_kind "conditional"): source/target pairs
(tunesmith.data.pairs), cropped to windows of whole grid steps to train on, scored whole to validate on.

A training batch is (src (B, S), x (B, T), y (B, T)): the source and the target cropped to the same window of
at most block_size body tokens (with the conditioning prefix kept in front), x the target without its last
token, y without its first and -1 wherever the token is not learned or is padding. Sources are right-padded
with PAD (id 0)."""

from __future__ import annotations

import math
from contextlib import nullcontext

import numpy as np
import torch

from tunesmith.data.pairs import PairArrays
from tunesmith.errors import TunesmithError
from tunesmith.models.conditional import PAD
from tunesmith.training.sources import provenance


class PairSource:
    def __init__(self, folder, train):
        self.pairs = PairArrays.load(folder)
        self.train_config = train
        layout = self.pairs.meta["layout"]
        self.prefix, self.stride = int(layout["prefix"]), int(layout["stride"])
        if train.block_size < self.stride:
            raise TunesmithError(f"train.block_size {train.block_size} holds no grid step of {self.stride} tokens")

    @property
    def meta(self) -> dict:
        return self.pairs.meta

    @property
    def vocab_size(self) -> int:
        return self.pairs.vocab_size

    def sampler(self, seed: int, rank: int = 0, world: int = 1) -> PairSampler:
        t = self.train_config
        return PairSampler(self.pairs.arrays("train"), self.prefix, self.stride, t.block_size, t.batch_size, seed,
                           rank, world)

    def nll_sum(self, model, batch_size: int, device="cpu", amp=nullcontext, rank: int = 0,
                world: int = 1) -> tuple[float, int]:
        """(sum of NLL in nats, number of learned tokens) over the valid pairs, whole; pairs dealt round-robin
        over ranks (sum them across ranks). `eval_tokens` (if set) keeps the first pairs up to that many tokens."""
        src, tgt, learn, off = self.pairs.arrays("valid")
        n = len(off) - 1
        if self.train_config.eval_tokens:
            n = int(np.searchsorted(off, self.train_config.eval_tokens, side="right")) or 1
        order = sorted(range(n)[rank::world], key=lambda i: off[i + 1] - off[i])  # similar lengths batch together
        total, count = 0.0, 0
        was = model.training
        model.eval()
        with torch.no_grad():
            for i in range(0, len(order), batch_size):
                rows = [(src[off[j]:off[j + 1]], tgt[off[j]:off[j + 1]], learn[off[j]:off[j + 1]])
                        for j in order[i:i + batch_size]]
                s, x, y = (a.to(device) for a in collate(rows))
                with amp():
                    logits, _ = model(s, x)
                nll = torch.nn.functional.cross_entropy(logits.float().flatten(0, 1), y.flatten(), ignore_index=-1,
                                                        reduction="sum")
                total += float(nll)
                count += int((y >= 0).sum())
        model.train(was)
        return total, count

    def unigram_nll(self) -> float:
        """Mean NLL (nats) of the learned valid tokens under the learned train tokens' frequencies (add-one)."""
        _, tgt, learn, _ = self.pairs.arrays("train")
        _, vtgt, vlearn, _ = self.pairs.arrays("valid")
        counts = np.bincount(np.asarray(tgt)[np.asarray(learn) > 0], minlength=self.vocab_size) + 1.0
        logp = np.log(counts / counts.sum())
        valid = np.asarray(vtgt)[np.asarray(vlearn) > 0].astype(np.int64)
        return float(-logp[valid].mean()) if len(valid) else math.nan

    def provenance(self) -> dict:
        tokens = {s: v["tokens"] for s, v in self.meta["splits"].items()}
        return provenance(self.pairs.folder, self.meta, tokens) | {"task": self.meta.get("task", {})}


def collate(rows) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """[(src, tgt, learn)] -> (src (B, S), x (B, T), y (B, T)) padded: PAD in src and x, -1 in y."""
    B, S = len(rows), max(len(r[0]) for r in rows)
    src = np.full((B, S), PAD, np.int64)
    x = np.full((B, S - 1), PAD, np.int64)
    y = np.full((B, S - 1), -1, np.int64)
    for b, (s, t, learn) in enumerate(rows):
        t = np.asarray(t, np.int64)
        n = len(t)
        src[b, :n] = s
        x[b, :n - 1] = t[:-1]
        y[b, :n - 1] = np.where(np.asarray(learn[1:]) > 0, t[1:], -1)
    return torch.from_numpy(src), torch.from_numpy(x), torch.from_numpy(y)


class PairSampler:
    """Random pairs, each cropped to a window of whole grid steps (`_crop`), drawn for the whole global batch
    from one generator on every rank (each rank keeps its slice): the generator state is the data position."""

    def __init__(self, arrays, prefix: int, stride: int, block_size: int, batch_size: int, seed: int,
                 rank: int = 0, world: int = 1):
        self.src, self.tgt, self.learn, self.off = arrays
        if len(self.off) < 2:
            raise TunesmithError("the training split holds no pair")
        if batch_size % world:
            raise TunesmithError(f"batch_size {batch_size} does not split evenly over {world} ranks")
        self.prefix, self.stride, self.window = prefix, stride, (block_size // stride) * stride
        self.batch, self.rank, self.world = batch_size, rank, world
        self.gen = torch.Generator().manual_seed(seed)

    def next(self):
        """((src, x, y), number of learned tokens in this rank's slice)."""
        n = len(self.off) - 1
        picks = torch.randint(0, n, (self.batch,), generator=self.gen).tolist()
        where = torch.rand(self.batch, generator=self.gen, dtype=torch.float64).tolist()
        per = self.batch // self.world
        rows = [self._crop(i, u) for i, u in list(zip(picks, where))[self.rank * per:(self.rank + 1) * per]]
        src, x, y = collate(rows)
        return (src, x, y), int((y >= 0).sum())

    def _crop(self, i: int, u: float):
        """Pair i cut to a window of whole steps (prefix kept in front) that holds learned cells, the window's place
        drawn by `u` among all those that do: an infilled span of a long tune is not cropped away, and a pair
        learned throughout (a harmonized chorale) is trained on everywhere, not only in its first window."""
        a, b = int(self.off[i]), int(self.off[i + 1])
        body = b - a - self.prefix  # the body and EOS
        steps = body // self.stride
        keep = self.window // self.stride
        start = 0
        if steps > keep:
            learned = np.flatnonzero(self.learn[a + self.prefix:b])
            first, last = (int(learned[0]) // self.stride, int(learned[-1]) // self.stride) if len(learned) else (0, 0)
            lo, hi = max(0, first - keep + 1), min(last, steps - keep)
            start = (lo + int(u * (hi - lo + 1))) * self.stride
        cut = slice(a + self.prefix + start, min(b, a + self.prefix + start + self.window + 1))  # + EOS if it fits
        head = slice(a, a + self.prefix)
        return tuple(np.concatenate([arr[head], arr[cut]]) for arr in (self.src, self.tgt, self.learn))

    def get_state(self) -> torch.Tensor:
        return self.gen.get_state()

    def set_state(self, state: torch.Tensor) -> None:
        self.gen.set_state(state)
