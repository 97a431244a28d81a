"""Autoregressive sequence models behind one contract (see `base.py`), found by name in a plain dict.

    model = build_model("transformer", vocab_size=300, size="small", dropout=0.0)
    logits, loss = model(ids, targets)
"""

from __future__ import annotations

import dataclasses

from tunesmith.errors import ConfigError
from tunesmith.models.attention_rnn import AttentionRNN, AttentionRNNConfig
from tunesmith.models.base import SequenceModel, State, select_state
from tunesmith.models.rnn import RNN, RNNConfig
from tunesmith.models.transformer import Transformer, TransformerConfig

MODELS: dict[str, tuple[type, type[SequenceModel]]] = {
    "rnn": (RNNConfig, RNN),
    "attention-rnn": (AttentionRNNConfig, AttentionRNN),
    "transformer": (TransformerConfig, Transformer),
}

__all__ = [
    "MODELS", "AttentionRNN", "AttentionRNNConfig", "ConfigError", "RNN", "RNNConfig", "SequenceModel", "State",
    "Transformer", "TransformerConfig", "build_model", "model_config", "select_state",
]


def entry(name: str) -> tuple[type, type[SequenceModel]]:
    if name not in MODELS:
        raise ConfigError(f"unknown model {name!r}; valid: {', '.join(MODELS)}")
    return MODELS[name]


def model_config(name: str, size: str | None = None, **fields):
    """The config of model `name`: the named size (if any), then `fields` on top. Unknown fields raise."""
    cls, _ = entry(name)
    base = {}
    if size is not None:
        if size not in cls.SIZES:
            raise ConfigError(f"unknown size {size!r} for {name}; valid: {', '.join(cls.SIZES)}")
        base = dict(cls.SIZES[size])
    known = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(fields) - known)
    if unknown:
        raise ConfigError(f"unknown field(s) {', '.join(unknown)} for {name}; valid: {', '.join(sorted(known))}")
    return cls(**{**base, **fields})


def build_model(name: str, size: str | None = None, **fields) -> SequenceModel:
    """A fresh model `name` of the named size with `fields` overriding its config (vocab_size is required)."""
    cfg = model_config(name, size, **fields)
    if cfg.vocab_size <= 0:
        raise ConfigError("vocab_size must be positive")
    return MODELS[name][1](cfg)
