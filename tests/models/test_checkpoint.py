"""Loading a checkpoint folder from anywhere: every defect is one TunesmithError, and nothing in the folder
is ever unpickled or run."""

import json
import math
import os
import pickle

import pytest
import torch

from tunesmith.errors import ConfigError, TunesmithError
from tunesmith.models import build_model
from tunesmith.models.checkpoint import CONFIG, WEIGHTS, load_model, save
from tunesmith.representation import get_tokenizer

TOK = get_tokenizer("voicegrid", voices=4)


@pytest.fixture
def folder(tmp_path):
    torch.manual_seed(0)
    model = build_model("transformer", "debug", vocab_size=len(TOK.vocab))
    return save(tmp_path / "ckpt", model, {"model": {"name": "transformer", "config": model.config_dict()},
                                           "tokenizer": TOK.to_dict()})


def edit_config(folder, change):
    config = json.loads((folder / CONFIG).read_text())
    change(config)
    (folder / CONFIG).write_text(json.dumps(config))


class Payload:
    """Unpickling this runs code: it writes a file named by `marker`."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


def test_a_good_checkpoint_loads(folder):
    model, tokenizer, config = load_model(folder)
    assert tokenizer == TOK.to_dict() and config["model"]["name"] == "transformer" and not model.training


def test_a_pickle_in_place_of_the_weights_is_refused_and_never_run(folder, tmp_path):
    marker = tmp_path / "payload-ran"
    with open(folder / WEIGHTS, "wb") as f:
        pickle.dump({"embed.weight": Payload(str(marker))}, f)
    with pytest.raises(TunesmithError, match="model.safetensors is not a safetensors file"):
        load_model(folder)
    assert not marker.exists()
    torch.save({"embed.weight": Payload(str(marker))}, folder / WEIGHTS)  # torch's zip of pickles too
    with pytest.raises(TunesmithError, match="not a safetensors file"):
        load_model(folder)
    assert not marker.exists()


@pytest.mark.parametrize("content", [b"", os.urandom(1000), b"\x10\x00\x00\x00\x00\x00\x00\x00{not json}     "])
def test_corrupt_weights_are_one_clear_error(folder, content):
    (folder / WEIGHTS).write_bytes(content)
    with pytest.raises(TunesmithError, match="not a safetensors file"):
        load_model(folder)


def test_weights_that_do_not_fit_or_are_not_finite(folder, tmp_path):
    edit_config(folder, lambda c: c["model"]["config"].update(n_embd=64))
    with pytest.raises(TunesmithError, match=r"weights do not fit the config: .* is \(\d+, 32\)"):
        load_model(folder)
    nan = build_model("transformer", "debug", vocab_size=len(TOK.vocab))
    with torch.no_grad():
        nan.embed.weight[0, 0] = math.nan
    save(tmp_path / "nan", nan, {"model": {"name": "transformer", "config": nan.config_dict()}, "tokenizer": {}})
    with pytest.raises(TunesmithError, match="NaN or infinite"):
        load_model(tmp_path / "nan")


@pytest.mark.parametrize(("change", "error", "message"), [
    (lambda c: c["model"]["config"].update(n_layer=100000), ConfigError, "n_layer must be in 1..256"),
    (lambda c: c["model"]["config"].update(n_head=0), ConfigError, "n_head must be in 1..256, got 0"),
    (lambda c: c["model"].update(name="wavenet"), ConfigError, "unknown model 'wavenet'"),
    (lambda c: c["model"].pop("config"), TunesmithError, "lacks the model's name and config"),
    (lambda c: c.pop("tokenizer"), TunesmithError, "lacks the model's name and config, or the tokenizer"),
    (lambda c: c.update(format="other/2"), TunesmithError, "unknown checkpoint format 'other/2'"),
])
def test_a_config_asking_for_the_absurd_is_refused_before_building(folder, change, error, message):
    edit_config(folder, change)
    with pytest.raises(error, match=message):
        load_model(folder)


def test_a_config_that_is_not_json_or_not_an_object(folder):
    (folder / CONFIG).write_text('{"format": ')
    with pytest.raises(TunesmithError, match="config.json is not valid JSON"):
        load_model(folder)
    (folder / CONFIG).write_text("[1, 2]")
    with pytest.raises(TunesmithError, match="unknown checkpoint format 'list'"):
        load_model(folder)
    (folder / CONFIG).unlink()
    with pytest.raises(TunesmithError, match="not a checkpoint"):
        load_model(folder)


def test_a_folder_without_weights(folder):
    (folder / WEIGHTS).unlink()
    with pytest.raises(TunesmithError, match="no model.safetensors"):
        load_model(folder)
