import dataclasses

import pytest

from tunesmith.errors import ConfigError
from tunesmith.models import MODELS, ConditionalModel, LatentModel, SequenceModel, build_model, model_config


def test_unknown_model_lists_valid_ones():
    with pytest.raises(ConfigError, match="valid: rnn, attention-rnn, transformer, seq2seq, vae"):
        build_model("wavenet", vocab_size=10)


def test_unknown_size_and_field():
    with pytest.raises(ConfigError, match="debug"):
        build_model("rnn", "huge", vocab_size=10)
    with pytest.raises(ConfigError, match="n_layers"):
        build_model("rnn", "debug", vocab_size=10, n_layers=3)
    with pytest.raises(ConfigError, match="vocab_size"):
        build_model("rnn", "debug")


@pytest.mark.parametrize("name", list(MODELS))
def test_every_entry_has_frozen_config_with_sizes(name):
    config_cls, model_cls = MODELS[name]
    assert issubclass(model_cls, SequenceModel | ConditionalModel | LatentModel) and model_cls.name == name
    assert dataclasses.is_dataclass(config_cls) and config_cls.__dataclass_params__.frozen
    assert {"debug", "small"} <= set(config_cls.SIZES)
    cfg = model_config(name, "debug", vocab_size=7)
    with pytest.raises(dataclasses.FrozenInstanceError):
        cfg.vocab_size = 8
    for size in config_cls.SIZES:
        model_config(name, size, vocab_size=7)  # every size is a valid config


@pytest.mark.parametrize("name", list(MODELS))
def test_debug_models_are_small(name):
    assert build_model(name, "debug", vocab_size=50).num_params() < 50_000
