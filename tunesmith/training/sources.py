"""What the trainer trains on, per kind of model: a model declares its `data_kind`, and SOURCES opens the
matching data folder as a `Source`.

A source says what the run needs and nothing about the model's loss (that is the model's `training_step`):

    source = open_source(model_cls.data_kind, folder, train_config)
    source.vocab_size, source.meta                      # the vocabulary the model is built for, provenance
    sampler = source.sampler(seed, rank, world)         # .next() -> (batch, tokens); get_state / set_state
    total, count = source.nll_sum(model, batch, device, amp, rank, world)   # validation, summed over ranks
    source.unigram_nll()                                # the baseline every run reports beside it

A sampler's generator state is its whole data position, so that a checkpoint resumes it exactly, and every
rank draws the whole global batch and keeps its slice, so that the global batch is the same whatever the
number of ranks.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from tunesmith.errors import ConfigError, TunesmithError


class TokenSource:
    """Flat token arrays (tunesmith.data.arrays) for sequence models: random windows of block_size + 1
    tokens (`Windows`) to train on, contiguous windows to validate on."""

    def __init__(self, folder, train):
        from tunesmith.data.arrays import TokenArrays

        self.arrays = TokenArrays.load(folder)
        kind = self.arrays.meta.get("kind")
        if kind is not None:  # pairs, excerpts: the data of other kinds of model
            raise TunesmithError(f"{folder}: {'source/target pairs' if kind == 'pairs' else kind}; a sequence model "
                                 "trains on flat token arrays (tunesmith data tokenize)")
        self.train_config = train
        self.train_ids, self.valid_ids = self.arrays.split("train"), self.arrays.split("valid")
        if train.eval_tokens:
            self.valid_ids = self.valid_ids[: train.eval_tokens + 1]

    @property
    def meta(self) -> dict:
        return self.arrays.meta

    @property
    def vocab_size(self) -> int:
        return self.arrays.vocab_size

    def sampler(self, seed: int, rank: int = 0, world: int = 1):
        from tunesmith.training.data import Windows

        t = self.train_config
        return _Counted(Windows(self.train_ids, t.block_size, t.batch_size, seed, rank, world))

    def nll_sum(self, model, batch_size: int, device, amp, rank: int = 0, world: int = 1) -> tuple[float, int]:
        from tunesmith.training.data import nll_sum

        return nll_sum(model, self.valid_ids, self.train_config.block_size, batch_size, device, amp, rank, world)

    def unigram_nll(self) -> float:
        from tunesmith.training.data import unigram_nll

        return unigram_nll(self.train_ids, self.valid_ids, self.vocab_size)

    def provenance(self) -> dict:
        tokens = {s: self.meta["splits"][s]["tokens"] for s in self.meta["splits"]}
        return provenance(self.arrays.folder, self.meta, tokens)


class _Counted:
    """Windows as a sampler: each batch with its number of predicted tokens."""

    def __init__(self, windows):
        self.windows = windows

    def next(self):
        x, y = self.windows.next()
        return (x, y), y.numel()

    def get_state(self):
        return self.windows.get_state()

    def set_state(self, state) -> None:
        self.windows.set_state(state)


def provenance(folder: Path, meta: dict, tokens: dict) -> dict:
    """Where a run's data came from: the folder, a hash of its metadata, tokens per split, source, augmentation."""
    return {"folder": str(folder), "meta_sha256": hashlib.sha256((Path(folder) / "meta.json").read_bytes()).hexdigest(),
            "tokens": tokens, "source": meta.get("source", {}), "augmentation": meta.get("augmentation", {})}


def _pairs(folder, train):
    from tunesmith.training.pairs import PairSource

    return PairSource(folder, train)


def _excerpts(folder, train):
    from tunesmith.training.excerpts import ExcerptSource

    return ExcerptSource(folder, train)


def _prompts(folder, train):
    from tunesmith.training.prompts import PromptSource

    return PromptSource(folder, train)


SOURCES = {"sequence": TokenSource, "conditional": _pairs, "excerpts": _excerpts, "prompts": _prompts}


def open_source(kind: str, folder, train):
    """The source of data kind `kind` (a model class's `data_kind`) over `folder`."""
    if kind not in SOURCES:
        raise ConfigError(f"no training data source for models of kind {kind!r}; valid: {', '.join(SOURCES)}")
    return SOURCES[kind](folder, train)
