import csv
import math
import os
import signal
import subprocess
import sys
import time

import pytest
import torch

from tunesmith.models import MODELS
from tunesmith.models.checkpoint import load_model, read_config
from tunesmith.training import load_preset, train


def preset(arrays_dir, *overrides, name="debug"):
    return load_preset(name, [f'data="{arrays_dir}"', *overrides])


def rows(folder, metric):
    with open(folder / "metrics.csv") as f:
        return [(int(s), float(v)) for s, m, v in list(csv.reader(f))[1:] if m == metric]


def test_trains_below_the_unigram_baseline(arrays_dir, tmp_path):
    r = train(preset(arrays_dir, "train.max_steps=60", "train.eval_every=20"), tmp_path)
    assert r.step == 60 and r.valid_nll < r.unigram_nll - 0.3
    assert r.best_valid_nll == min(v for _, v in rows(tmp_path, "valid/nll"))
    for f in ("metrics.csv", "loss.png", "best/model.safetensors", "best/config.json"):
        assert (tmp_path / f).is_file()
    # step checkpoints: only the last keep_checkpoints remain, each with its training state
    steps = sorted(p.name for p in (tmp_path / "checkpoints").iterdir())
    assert steps == ["step-0000050", "step-0000060"]
    assert (tmp_path / "checkpoints" / "step-0000060" / "training.safetensors").is_file()
    config = read_config(tmp_path / "best")
    assert config["metrics"]["unigram_nll"] == pytest.approx(r.unigram_nll)
    assert config["data"]["tokens"]["train"] > 0 and config["tokenizer"]["name"] == "stand-in"
    assert {"train/loss", "train/lr", "train/tokens_per_s"} <= {m for m in _metrics(tmp_path)}


def _metrics(folder):
    with open(folder / "metrics.csv") as f:
        return {m for _, m, _ in list(csv.reader(f))[1:]}


@pytest.mark.parametrize("name", [n for n, (_, cls) in MODELS.items() if cls.data_kind == "sequence"])
def test_every_family_trains_and_reloads(name, arrays_dir, tmp_path):  # conditional ones: test_pairs.py
    r = train(preset(arrays_dir, f'model.name="{name}"', "train.max_steps=4", "train.eval_every=4"), tmp_path)
    model, tokenizer, config = load_model(tmp_path / "checkpoints" / "step-0000004")
    assert config["model"]["name"] == name and tokenizer == {"name": "stand-in", "config": {}}
    x = torch.randint(0, 32, (2, 16))
    r.model.eval()
    with torch.no_grad():
        torch.testing.assert_close(model(x)[0], r.model(x)[0], atol=0, rtol=0)


def test_early_stopping(arrays_dir, tmp_path, monkeypatch):
    """Validation losses that only rise stop the run after `patience` evaluations; best/ keeps the first."""
    from tunesmith.training import sources

    calls = []

    def rising(*args, **kwargs):
        calls.append(1)
        return 3.0 + len(calls), 1

    monkeypatch.setattr(sources.TokenSource, "nll_sum", rising)
    r = train(preset(arrays_dir, "train.max_steps=100", "train.eval_every=5", "train.patience=2"), tmp_path)
    assert r.stopped_early and r.step == 15 and r.best_valid_nll == 4.0
    assert read_config(tmp_path / "best")["step"] == 5
    assert (tmp_path / "checkpoints" / "step-0000015").is_dir()


def test_resume_in_process_is_exact(arrays_dir, tmp_path):
    """A run stopped at step 10 (its last checkpoint) and resumed equals an uninterrupted one."""
    run = preset(arrays_dir, "train.max_steps=20", "model.dropout=0.1", "train.checkpoint_every=10")
    full = train(run, tmp_path / "full")
    train(run, tmp_path / "cut")
    # pretend the run died after step 10: drop its later checkpoint and resume from step 10
    import shutil

    shutil.rmtree(tmp_path / "cut" / "checkpoints" / "step-0000020")
    resumed = train(run, tmp_path / "cut", resume=tmp_path / "cut" / "checkpoints" / "step-0000010")
    assert rows(tmp_path / "cut", "valid/nll") == rows(tmp_path / "full", "valid/nll")
    assert rows(tmp_path / "cut", "train/loss") == rows(tmp_path / "full", "train/loss")
    for (k, a), b in zip(full.model.state_dict().items(), resumed.model.state_dict().values()):
        assert torch.equal(a, b), k


def _cli(args, cwd):
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    return subprocess.Popen([sys.executable, "-m", "tunesmith", "train", "--no-progress", *args], cwd=cwd, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.slow
def test_resume_after_sigkill_gives_the_same_validation_curve(arrays_dir, tmp_path):
    args = ["--preset", "debug", "--data", str(arrays_dir), "--set", "train.max_steps=120",
            "--set", "train.checkpoint_every=10", "--set", "model.dropout=0.1", "--set", "model.name=\"rnn\""]
    killed = _cli([*args, "--out", str(tmp_path / "killed")], tmp_path)
    target = tmp_path / "killed" / "checkpoints" / "step-0000030" / "config.json"
    deadline = time.time() + 120
    while not target.is_file() and killed.poll() is None and time.time() < deadline:
        time.sleep(0.02)
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    assert killed.returncode == -signal.SIGKILL, "the run finished before it could be killed"
    done = sorted(int(p.name[5:]) for p in (tmp_path / "killed" / "checkpoints").glob("step-*"))
    assert 30 <= max(done) < 120
    resumed = _cli(["--resume", str(tmp_path / "killed")], tmp_path)
    full = _cli([*args, "--out", str(tmp_path / "full")], tmp_path)
    for p in (resumed, full):
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0, err[-2000:]
    a, b = rows(tmp_path / "killed", "valid/nll"), rows(tmp_path / "full", "valid/nll")
    assert [s for s, _ in a] == list(range(5, 121, 5)) and len(a) == len(b)
    for (sa, va), (sb, vb) in zip(a, b):
        assert sa == sb and math.isclose(va, vb, abs_tol=1e-6), (sa, va, vb)
    assert (tmp_path / "killed" / "loss.png").is_file()


def test_a_time_limit_stops_with_a_final_evaluation_and_checkpoint(arrays_dir, tmp_path):
    r = train(preset(arrays_dir, "train.max_steps=1000", "train.log_every=5", "train.eval_every=500",
                     "train.max_minutes=1e-9"), tmp_path)
    assert r.step == 5  # the first check of the clock, at the first logging step
    assert [s for s, _ in rows(tmp_path, "valid/nll")] == [5]
    assert sorted(p.name for p in (tmp_path / "checkpoints").iterdir()) == ["step-0000005"]
    assert read_config(tmp_path / "best")["run"]["train"]["max_steps"] == 1000  # the schedule kept its length


@pytest.mark.parametrize("native", [True, False])
def test_auto_precision_is_fp32_on_every_cpu(native, monkeypatch):
    """The same run gives the same arithmetic on any x86-64 CPU, bf16 instructions or not; bf16 only by name."""
    from tunesmith.training import trainer

    monkeypatch.setattr(trainer, "native_bf16_cpu", lambda: native)
    cpu = torch.device("cpu")
    assert not trainer.use_bf16("auto", cpu) and not trainer.use_bf16("fp32", cpu)
    assert trainer.use_bf16("bf16", cpu)


def test_the_trainer_runs_the_model_s_own_training_step(arrays_dir, tmp_path, monkeypatch):
    """A family with its own loss needs no trainer of its own: the trainer minimises what `training_step`
    returns and logs what it reports beside it (averaged like the loss)."""
    from tunesmith import models
    from tunesmith.models.rnn import RNN, RNNConfig

    class Doubled(RNN):
        name = "doubled"

        def training_step(self, batch):
            x, y = batch
            _, loss = self(x, y)
            return 2 * loss, {"half": loss}

    monkeypatch.setitem(models.MODELS, "doubled", (RNNConfig, Doubled))
    train(preset(arrays_dir, 'model.name="doubled"', "train.max_steps=20", "train.log_every=5"), tmp_path)
    loss, half = rows(tmp_path, "train/loss"), rows(tmp_path, "train/half")
    assert [s for s, _ in loss] == [s for s, _ in half] == [5, 10, 15, 20]
    for (_, a), (_, b) in zip(loss, half):
        assert math.isclose(a, 2 * b, rel_tol=1e-6)
