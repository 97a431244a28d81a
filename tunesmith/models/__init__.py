"""Autoregressive sequence models behind one contract (see `base.py`), conditional models behind another
(`conditional.py`: a source encoded, a decoder that is a sequence model given it), and latent models behind a
third (`latent.py`: excerpts encoded to a Gaussian, a decoder that is a sequence model given z), found by name in
a plain dict.

    model = build_model("transformer", vocab_size=300, size="small", dropout=0.0)
    logits, loss = model(ids, targets)
    s2s = build_model("seq2seq", vocab_size=300, size="small")
    logits, loss = s2s(src, ids, targets); given = s2s.given(src[0])   # given: a sequence model
    vae = build_model("vae", vocab_size=151, size="small")
    mu, logvar = vae.encode(x); decoder = vae.given(mu)               # decoder: a sequence model
"""

from __future__ import annotations

import dataclasses

from tunesmith.errors import ConfigError
from tunesmith.models.attention_rnn import AttentionRNN, AttentionRNNConfig
from tunesmith.models.base import SequenceModel, State, select_state
from tunesmith.models.conditional import ConditionalModel
from tunesmith.models.gan import GAN, GANConfig
from tunesmith.models.latent import LatentModel
from tunesmith.models.rl_tuner import RLTuner, RLTunerConfig
from tunesmith.models.rnn import RNN, RNNConfig
from tunesmith.models.seq2seq import Seq2Seq, Seq2SeqConfig
from tunesmith.models.transformer import Transformer, TransformerConfig
from tunesmith.models.vae import VAE, VAEConfig

MODELS: dict[str, tuple[type, type[SequenceModel | ConditionalModel | LatentModel]]] = {
    "rnn": (RNNConfig, RNN),
    "attention-rnn": (AttentionRNNConfig, AttentionRNN),
    "transformer": (TransformerConfig, Transformer),
    "seq2seq": (Seq2SeqConfig, Seq2Seq),
    "vae": (VAEConfig, VAE),
    "rl-tuner": (RLTunerConfig, RLTuner),
    "gan": (GANConfig, GAN),
}

__all__ = [
    "GAN", "MODELS", "AttentionRNN", "AttentionRNNConfig", "ConditionalModel", "ConfigError", "GANConfig",
    "LatentModel", "RLTuner",
    "RLTunerConfig", "RNN", "RNNConfig", "Seq2Seq", "Seq2SeqConfig", "SequenceModel", "State", "Transformer",
    "TransformerConfig", "VAE", "VAEConfig", "build_model", "model_config", "select_state",
]


def entry(name: str) -> tuple[type, type[SequenceModel | ConditionalModel | LatentModel]]:
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


def build_model(name: str, size: str | None = None, **fields) -> SequenceModel | ConditionalModel | LatentModel:
    """A fresh model `name` of the named size with `fields` overriding its config (vocab_size is required)."""
    cfg = model_config(name, size, **fields)
    if cfg.vocab_size <= 0:
        raise ConfigError("vocab_size must be positive")
    return MODELS[name][1](cfg)
