"""RL tuning through the one trainer: it trains on its own rollouts, logs the reward, each rule and the drift,
resumes exactly, and exports a plain model that loads and composes; bad settings are one error, nothing
written."""

import csv
import shutil

import pytest
import torch

from tests.training.conftest import melodies
from tunesmith.data.arrays import write_arrays
from tunesmith.errors import ConfigError, TunesmithError
from tunesmith.training import load_preset, train
from tunesmith.training.rl import parse_rewards, tune_rl

FAST = {"steps": 16, "batch_size": 4, "eval_every": 5, "eval_tokens": 2000, "lr": 1e-3}


def rows(folder, metric):
    with open(folder / "metrics.csv") as f:
        return [(int(s), float(v)) for s, m, v in list(csv.reader(f))[1:] if m == metric]


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """Voice-grid arrays of scale walks and a debug Transformer trained on them for a few steps."""
    tmp = tmp_path_factory.mktemp("rl")
    tok, train_pieces = melodies(30, 0)
    _, valid = melodies(6, 1)
    arrays = write_arrays(tmp / "arrays", tok, {"train": train_pieces, "valid": valid})
    train(load_preset("debug", [f'data="{arrays}"', "train.max_steps=20"]), tmp / "base")
    return tmp / "base" / "best", arrays


def test_tuning_logs_rewards_and_drift_and_exports_a_model(base, tmp_path):
    from tunesmith.generation.generate import generate
    from tunesmith.generation.load import load

    folder, arrays = base
    result, model_dir = tune_rl(str(folder), 5.0, tmp_path / "run", data=str(arrays), max_steps=10, **FAST)
    assert result.step == 10
    for metric in ("train/reward", "train/kl", "train/rule/key", "train/rule/motif", "valid/nll"):
        assert rows(tmp_path / "run", metric), metric
    loaded = load(str(model_dir))
    assert loaded.config["model"]["name"] == "transformer" and loaded.config["tuning"]["steps"] == 10
    assert loaded.config["tuning"]["rewards"]["key"] == 1.0 and loaded.config["tuning"]["rewards"]["parallels"] == 0
    x = torch.randint(3, 100, (2, 12))
    with torch.no_grad():
        torch.testing.assert_close(loaded.model(x)[0], result.model.policy.eval()(x)[0], atol=0, rtol=0)
    ids = generate(loaded.model, [1], 8, 2, seed=0)[0]
    assert len(ids) > 1


def test_tuning_resumes_exactly(base, tmp_path):
    folder, arrays = base
    kw = dict(data=str(arrays), max_steps=10, **{**FAST, "eval_every": 5})
    full, _ = tune_rl(str(folder), 5.0, tmp_path / "full", **kw)
    tune_rl(str(folder), 5.0, tmp_path / "cut", **kw)
    shutil.rmtree(tmp_path / "cut" / "checkpoints" / "step-0000010")
    resumed, _ = tune_rl(str(folder), 5.0, tmp_path / "cut", resume=tmp_path / "cut" / "checkpoints" / "step-0000005",
                         **kw)
    for metric in ("train/loss", "train/reward", "valid/nll"):
        assert rows(tmp_path / "cut", metric) == rows(tmp_path / "full", metric), metric
    for (k, a), b in zip(full.model.state_dict().items(), resumed.model.state_dict().values()):
        assert torch.equal(a, b), k


@pytest.mark.parametrize(("rewards", "settings", "message"), [
    ("", {}, "no reward: every rule's weight is 0"),
    ("key=0,motif=0", {}, "no reward"),
    ("key=1e6", {}, "key must be in 0..100"),
    ("key=nan", {}, "key must be a finite number"),
    ("key=1", {"kl": -1.0}, "kl must be in 0..100"),
    ("key=1", {"batch": 3}, "unknown setting"),
])
def test_an_empty_or_absurd_reward_set_is_one_error_and_writes_nothing(base, tmp_path, rewards, settings, message):
    folder, arrays = base
    with pytest.raises((ConfigError, TunesmithError), match=message):
        tune_rl(str(folder), 5.0, tmp_path / "run", parse_rewards(rewards), data=str(arrays), **settings)
    assert not (tmp_path / "run").exists()


def test_unknown_rules_and_data_of_another_vocabulary(base, tmp_path, arrays_dir):
    folder, _ = base
    with pytest.raises(ConfigError, match="unknown reward 'tonality'; valid: key, "):
        parse_rewards("tonality=1")
    with pytest.raises(ConfigError, match="not the one .* was trained with"):
        tune_rl(str(folder), 5.0, tmp_path / "run", data=str(arrays_dir))
    assert not (tmp_path / "run").exists()
