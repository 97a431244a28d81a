import json
import pickle

import pytest
import torch

from tunesmith.errors import TunesmithError
from tunesmith.models import MODELS, build_model
from tunesmith.models.checkpoint import load_model, read_config, save, ship, shipped
from tunesmith.training import load_preset, train


def config_for(model, name):
    return {"step": 3, "model": {"name": name, "config": model.config_dict()}, "tokenizer": {"name": "t"},
            "run": {}, "metrics": {"valid_nll": float("nan")}}


def refuse_pickle(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("unpickling attempted")

    for name in ("load", "loads"):
        monkeypatch.setattr(pickle, name, refuse)
    monkeypatch.setattr(torch, "load", refuse)


@pytest.fixture
def no_pickle(monkeypatch):
    """Any attempt to unpickle (pickle.load/loads, torch.load) fails the test."""
    refuse_pickle(monkeypatch)


@pytest.mark.parametrize("name", list(MODELS))
def test_save_and_load_without_pickle(name, tmp_path, no_pickle):
    torch.manual_seed(0)
    model = build_model(name, "debug", vocab_size=20).eval()
    save(tmp_path / "ckpt", model, config_for(model, name))
    assert sorted(p.name for p in (tmp_path / "ckpt").iterdir()) == ["config.json", "model.safetensors"]
    loaded, tokenizer, config = load_model(tmp_path / "ckpt")
    assert tokenizer == {"name": "t"} and config["step"] == 3 and not loaded.training
    assert config["metrics"]["valid_nll"] is None  # strict JSON: no NaN
    x = torch.randint(0, 20, (2, 9))
    inputs = (x, x) if model.data_kind == "conditional" else (x,)  # a conditional model: a source, then ids
    with torch.no_grad():
        torch.testing.assert_close(loaded(*inputs)[0], model(*inputs)[0], atol=0, rtol=0)
    if getattr(model.config, "tie_embeddings", False):
        assert loaded.head.weight is loaded.embed.weight  # still tied after loading


def test_trained_checkpoint_is_safetensors_and_json_only(arrays_dir, tmp_path, monkeypatch):
    train(load_preset("debug", [f'data="{arrays_dir}"', "train.max_steps=10"]), tmp_path)
    refuse_pickle(monkeypatch)
    for folder in [tmp_path / "best", *(tmp_path / "checkpoints").iterdir()]:
        assert {p.suffix for p in folder.iterdir()} <= {".safetensors", ".json"}
        load_model(folder)
    assert not list(tmp_path.rglob("*.tmp-*")) and not list(tmp_path.rglob(".*old*"))


def test_saving_replaces_atomically(tmp_path):
    model = build_model("rnn", "debug", vocab_size=10)
    save(tmp_path / "c", model, config_for(model, "rnn"))
    save(tmp_path / "c", model, {**config_for(model, "rnn"), "step": 9})
    assert read_config(tmp_path / "c")["step"] == 9
    assert [p.name for p in tmp_path.iterdir()] == ["c"]


def test_not_a_checkpoint(tmp_path):
    with pytest.raises(TunesmithError, match="not a checkpoint"):
        load_model(tmp_path)
    (tmp_path / "config.json").write_text(json.dumps({"format": "other"}))
    with pytest.raises(TunesmithError, match="format"):
        load_model(tmp_path)


def test_weights_must_fit(tmp_path):
    model = build_model("rnn", "debug", vocab_size=10)
    save(tmp_path / "c", model, config_for(model, "rnn"))
    config = read_config(tmp_path / "c")
    config["model"]["config"]["n_layer"] = 1
    (tmp_path / "c" / "config.json").write_text(json.dumps(config))
    with pytest.raises(TunesmithError, match="do not fit"):
        load_model(tmp_path / "c")


def test_ship_writes_a_card_without_training_state(arrays_dir, tmp_path):
    r = train(load_preset("debug", [f'data="{arrays_dir}"', "train.max_steps=10"]), tmp_path / "run")
    dest = ship(r.out / "checkpoints" / "step-0000010", tmp_path / "shipped" / "tiny")
    assert sorted(p.name for p in dest.iterdir()) == ["MODEL_CARD.md", "config.json", "model.safetensors"]
    card = (dest / "MODEL_CARD.md").read_text()
    assert f"{r.valid_nll:.4f}" in card and f"{r.unigram_nll:.4f}" in card
    [(folder, config, text)] = shipped(tmp_path / "shipped")
    assert folder == dest and text == card and config["step"] == 10


@pytest.mark.parametrize("folder", [f for f, _, _ in shipped()] or [None])
def test_shipped_models_score_the_nll_of_their_card(folder, no_pickle):
    """Every shipped model loads without pickle and scores its validation split to the NLL in its card."""
    if folder is None:
        pytest.skip("no shipped models yet")
    from tunesmith.data.arrays import TokenArrays
    from tunesmith.training.data import evaluate, resolve_data

    model, _, config = load_model(folder)
    try:  # the arrays it was trained on, else the same name in this machine's cache
        data = resolve_data(config["data"]["folder"])
    except TunesmithError:
        try:
            data = resolve_data(config["run"]["data"])
        except TunesmithError:
            pytest.skip(f"validation data {config['run']['data']} not prepared here")
    import hashlib

    if hashlib.sha256((data / "meta.json").read_bytes()).hexdigest() != config["data"]["meta_sha256"]:
        pytest.skip(f"{data} is not the data {folder.name} was trained on (prepared again since)")
    train_cfg = config["run"]["train"]
    if model.data_kind == "conditional":  # source/target pairs: the NLL of the learned target tokens
        from tunesmith.training.config import TrainConfig
        from tunesmith.training.pairs import PairSource

        total, count = PairSource(data, TrainConfig(**{**train_cfg, "betas": tuple(train_cfg["betas"])})).nll_sum(
            model, 16)
        assert total / count == pytest.approx(config["metrics"]["valid_nll"], rel=1e-4)
        return
    if model.data_kind == "excerpts":  # a VAE or a GAN: its own measure on the same excerpts, batch for batch
        from tunesmith.training.config import TrainConfig
        from tunesmith.training.excerpts import ExcerptSource

        source = ExcerptSource(data, TrainConfig(**{**train_cfg, "betas": tuple(train_cfg["betas"])}))
        total, count = source.nll_sum(model, train_cfg["batch_size"])
        assert total / count == pytest.approx(config["metrics"]["valid_nll"], rel=1e-4)
        return
    valid = TokenArrays.load(data).split("valid")
    if train_cfg["eval_tokens"]:
        valid = valid[: train_cfg["eval_tokens"] + 1]
    nll = evaluate(model, valid, train_cfg["block_size"], 16)
    # fp32 on any CPU: the mean over tens of thousands of tokens moves by about 1e-6 with the summation order of
    # another machine's kernels; a different split or tokenization moves it by far more than 1e-4
    assert nll == pytest.approx(config["metrics"]["valid_nll"], rel=1e-4)
