"""Model configs check their fields' types and bounds and the size of the model they describe before
anything is allocated (a config.json may come from anywhere)."""

import math

import pytest

from tunesmith.errors import ConfigError
from tunesmith.models import MODELS, build_model, model_config
from tunesmith.models.base import MAX_PARAMETERS

VARIANTS = [
    ("transformer", {"tie_embeddings": True, "bias": False}),
    ("transformer", {"tie_embeddings": False, "bias": True}),
    ("rnn", {"cell": "lstm"}),
    ("rnn", {"cell": "gru", "n_embd": 24}),
    ("rnn", {"cell": "rnn", "tie_embeddings": False}),
    ("attention-rnn", {}),
    ("attention-rnn", {"n_embd": 24, "tie_embeddings": False}),
    ("seq2seq", {}),
    ("seq2seq", {"enc_layers": 2, "dec_layers": 3, "tie_embeddings": False}),
    ("vae", {}),
    ("vae", {"dec_layers": 3, "latent": 5}),
    ("gan", {}),
    ("gan", {"n_layer": 2, "d_widths": "2,5,7"}),
]


@pytest.mark.parametrize(("name", "fields"), VARIANTS)
def test_the_size_computed_without_building_is_the_built_size(name, fields):
    config = model_config(name, "debug", vocab_size=97, **fields)
    assert config.parameters() == build_model(name, "debug", vocab_size=97, **fields).num_params()


@pytest.mark.parametrize(("name", "fields", "message"), [
    ("transformer", {"n_head": 0}, "n_head must be in 1..256, got 0"),
    ("transformer", {"n_layer": 100000}, "n_layer must be in 1..256"),
    ("transformer", {"n_layer": "4"}, "n_layer must be a whole number, got '4'"),
    ("transformer", {"n_layer": True}, "n_layer must be a whole number"),
    ("transformer", {"n_embd": 30, "n_head": 4}, "must split into 4 heads"),
    ("transformer", {"block_size": 10**9}, "block_size must be in"),
    ("transformer", {"dropout": math.nan}, "dropout must be a finite number"),
    ("transformer", {"rope_base": 0.0}, "rope_base must be in"),
    ("transformer", {"bias": "no"}, "bias must be true or false"),
    ("transformer", {"vocab_size": -5}, "vocab_size must be in"),
    ("rnn", {"hidden": 0}, "hidden must be in"),
    ("rnn", {"cell": "transformer"}, "unknown cell"),
    ("attention-rnn", {"attn_length": 0}, "attn_length must be in"),
    ("seq2seq", {"attn_dim": 30, "n_head": 4}, "must split into 4 heads"),
    ("seq2seq", {"enc_layers": 0}, "enc_layers must be in"),
    ("vae", {"latent": 0}, "latent must be in"),
    ("vae", {"beta": -1.0}, "beta must be in"),
    ("gan", {"d_widths": "3,x"}, "d_widths must be comma-separated"),
    ("gan", {"adversarial": -1.0}, "adversarial must be in"),
])
def test_absurd_or_mistyped_fields_are_refused(name, fields, message):
    with pytest.raises(ConfigError, match=message):
        model_config(name, "debug", **{"vocab_size": 97, **fields})


@pytest.mark.parametrize("name", [n for n in MODELS if n != "rl-tuner"])  # its size is its base's: tested there
def test_a_model_past_the_parameter_budget_is_refused_before_it_is_built(name):
    big = {"transformer": {"n_layer": 256, "n_embd": 4096}, "seq2seq": {"dec_layers": 64, "hidden": 4096},
           "vae": {"dec_layers": 64, "dec_hidden": 4096}, "gan": {"n_layer": 64, "hidden": 4096}}
    with pytest.raises(ConfigError, match="parameters, more than"):
        model_config(name, "debug", vocab_size=97, **big.get(name, {"n_layer": 256, "hidden": 4096}))
    assert model_config(name, "small", vocab_size=97).parameters() < MAX_PARAMETERS
