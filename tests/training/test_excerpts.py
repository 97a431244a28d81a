"""The trainer trains a latent model on excerpts through the model's own training step: it learns, reloads from
its checkpoint and resumes exactly (the KL schedule included); a sequence model refuses excerpts."""

import csv
import shutil

import numpy as np
import pytest
import torch

from tunesmith.data.excerpts import Excerpts
from tunesmith.errors import TunesmithError
from tunesmith.models.checkpoint import load_model, read_config
from tunesmith.training import load_preset, train
from tunesmith.training.excerpts import ExcerptSampler


def preset(folder, *overrides, name="vae"):
    return load_preset("debug", [f'data="{folder}"', f'model.name="{name}"', "train.batch_size=16", *overrides])


def rows(folder, metric):
    with open(folder / "metrics.csv") as f:
        return [(int(s), float(v)) for s, m, v in list(csv.reader(f))[1:] if m == metric]


def test_the_vae_learns_and_reloads(excerpts_dir, tmp_path):
    r = train(preset(excerpts_dir, "train.max_steps=200", "train.eval_every=100", "train.lr=1e-2",
                     "model.beta_steps=100", "model.free_bits=2.0"), tmp_path)
    assert r.valid_nll < r.unigram_nll - 0.3  # the negative ELBO per token, a bound, below the unigram NLL
    accuracy = rows(tmp_path, "train/accuracy")
    assert accuracy[-1][1] > accuracy[0][1] + 0.3
    assert {s for s, _ in rows(tmp_path, "train/kl")} == {s for s, _ in accuracy}
    model, tokenizer, config = load_model(tmp_path / "best")
    assert config["model"]["name"] == "vae" and tokenizer["name"] == "voicegrid"
    assert config["data"]["excerpts"]["length"] == 32 and int(model.steps_trained) == 200
    x = torch.from_numpy(np.asarray(Excerpts.load(excerpts_dir).split("valid")[:4], np.int64))
    r.model.eval()
    with torch.no_grad():
        torch.testing.assert_close(model(x)[0], r.model(x)[0], atol=0, rtol=0)


@pytest.mark.parametrize(("name", "schedule", "logged"), [("vae", "model.beta_steps=15", "train/beta"),
                                                         ("gan", "model.pretrain_steps=5", "train/adversarial")])
def test_families_of_excerpts_resume_exactly(excerpts_dir, tmp_path, name, schedule, logged):
    run = preset(excerpts_dir, "train.max_steps=20", "train.checkpoint_every=10", schedule, name=name)
    full = train(run, tmp_path / "full")
    train(run, tmp_path / "cut")
    shutil.rmtree(tmp_path / "cut" / "checkpoints" / "step-0000020")
    resumed = train(run, tmp_path / "cut", resume=tmp_path / "cut" / "checkpoints" / "step-0000010")
    for metric in ("train/loss", logged, "valid/nll"):
        assert rows(tmp_path / "cut", metric) == rows(tmp_path / "full", metric), metric
    for (k, a), b in zip(full.model.state_dict().items(), resumed.model.state_dict().values()):
        assert torch.equal(a, b), k
    assert read_config(tmp_path / "cut" / "best")["model"]["name"] == name


def test_the_gan_learns_and_its_discriminator_tells_early_fakes(excerpts_dir, tmp_path):
    r = train(preset(excerpts_dir, "train.max_steps=120", "train.eval_every=60", "train.lr=1e-2",
                     "model.pretrain_steps=200", name="gan"), tmp_path)
    mle = rows(tmp_path, "train/mle")
    assert mle[-1][1] < mle[0][1] - 2 and r.valid_nll < r.unigram_nll  # the generator's exact NLL per token
    d_real, d_fake = rows(tmp_path, "train/d_real"), rows(tmp_path, "train/d_fake")
    assert d_real[-1][1] > d_fake[-1][1] + 0.2  # pre-training only: the discriminator sees through the fakes
    model, _, config = load_model(tmp_path / "best")
    assert config["model"]["name"] == "gan" and config["data"]["excerpts"]["bars"] == 2


def test_the_sampler_deals_the_global_batch(excerpts_dir):
    data = Excerpts.load(excerpts_dir).split("train")
    (whole,), n = ExcerptSampler(data, 8, seed=5).next()
    halves = [ExcerptSampler(data, 8, seed=5, rank=r, world=2).next()[0][0] for r in (0, 1)]
    assert n == whole.numel() and torch.equal(torch.cat(halves), whole)


def test_kinds_of_data_do_not_mix(excerpts_dir, arrays_dir, tmp_path):
    with pytest.raises(TunesmithError, match="flat token arrays"):
        train(load_preset("debug", [f'data="{excerpts_dir}"', "train.max_steps=1"]), tmp_path / "a")
    with pytest.raises(TunesmithError, match="run `tunesmith data excerpts`|not excerpts"):
        train(preset(arrays_dir, "train.max_steps=1"), tmp_path / "b")
