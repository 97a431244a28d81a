"""The trainer trains a conditional model on source/target pairs through the model's own training step:
it learns, reloads from its checkpoint, and resumes exactly; crops keep a source and its target aligned."""

import csv
import shutil

import numpy as np
import pytest
import torch

from tunesmith.data.pairs import PairArrays
from tunesmith.errors import TunesmithError
from tunesmith.models.checkpoint import load_model, read_config
from tunesmith.training import load_preset, train
from tunesmith.training.pairs import PairSampler, collate


def preset(pairs_dir, *overrides):
    return load_preset("debug", [f'data="{pairs_dir}"', 'model.name="seq2seq"', "train.block_size=32", *overrides])


def rows(folder, metric):
    with open(folder / "metrics.csv") as f:
        return [(int(s), float(v)) for s, m, v in list(csv.reader(f))[1:] if m == metric]


def test_seq2seq_learns_the_holes_and_reloads(pairs_dir, tmp_path):
    r = train(preset(pairs_dir, "train.max_steps=80", "train.eval_every=40", "train.lr=1e-2"), tmp_path)
    assert r.valid_nll < r.unigram_nll - 0.3
    model, tokenizer, config = load_model(tmp_path / "best")
    assert config["model"]["name"] == "seq2seq" and config["data"]["task"] == {"mix": {"holes": 1}}
    assert config["vocab"][-1] == "Mask" and tokenizer["name"] == "stand-in"
    src, x, _ = collate([tuple(a[:20] for a in PairArrays.load(pairs_dir).arrays("valid")[:3])])
    r.model.eval()
    with torch.no_grad():
        torch.testing.assert_close(model(src, x)[0], r.model(src, x)[0], atol=0, rtol=0)


def test_seq2seq_resumes_exactly(pairs_dir, tmp_path):
    run = preset(pairs_dir, "train.max_steps=20", "model.dropout=0.1", "train.checkpoint_every=10")
    full = train(run, tmp_path / "full")
    train(run, tmp_path / "cut")
    shutil.rmtree(tmp_path / "cut" / "checkpoints" / "step-0000020")
    resumed = train(run, tmp_path / "cut", resume=tmp_path / "cut" / "checkpoints" / "step-0000010")
    assert rows(tmp_path / "cut", "train/loss") == rows(tmp_path / "full", "train/loss")
    assert rows(tmp_path / "cut", "valid/nll") == rows(tmp_path / "full", "valid/nll")
    for (k, a), b in zip(full.model.state_dict().items(), resumed.model.state_dict().values()):
        assert torch.equal(a, b), k
    assert read_config(tmp_path / "cut" / "best")["model"]["name"] == "seq2seq"


def test_crops_are_whole_steps_of_source_and_target_alike(pairs_dir):
    arrays = PairArrays.load(pairs_dir).arrays("train")
    src, tgt, learn, off = arrays
    sampler = PairSampler(arrays, prefix=1, stride=2, block_size=9, batch_size=8, seed=3)
    (s, x, y), n = sampler.next()
    assert s.shape[1] <= 1 + 8 + 1 and n == int((y >= 0).sum()) > 0
    for b in range(8):
        real = int((s[b] != 0).sum())
        row_src, row_tgt = s[b, :real].numpy(), np.r_[x[b, :real - 1].numpy(), 0]
        # the window is a run of the same piece's cells, starting on a step boundary after the prefix
        hits = [i for i in range(len(off) - 1)
                if any(np.array_equal(src[off[i] + 1 + k: off[i] + real + k], row_src[1:]) for k in range(0, 80, 2))]
        assert hits, b
        assert (row_tgt[:real - 1][row_src[:real - 1] != 32] == row_src[:real - 1][row_src[:real - 1] != 32]).all()


def test_a_sequence_model_refuses_pairs_and_a_conditional_one_flat_arrays(pairs_dir, arrays_dir, tmp_path):
    with pytest.raises(TunesmithError, match="not source/target pairs"):
        train(preset(arrays_dir, "train.max_steps=1"), tmp_path / "a")
    with pytest.raises(TunesmithError, match="flat token arrays"):
        train(load_preset("debug", [f'data="{pairs_dir}"', "train.max_steps=1"]), tmp_path / "b")


def test_a_crop_holds_learned_cells():
    """A long pair learned only near its end is cropped to a window that reaches it."""
    n = 1 + 2 * 100
    tgt = np.arange(n, dtype=np.uint16) % 30 + 3
    learn = np.zeros(n, np.uint8)
    learn[171:181] = 1
    src = np.where(learn > 0, 32, tgt).astype(np.uint16)
    arrays = (src, tgt, learn, np.array([0, n]))
    sampler = PairSampler(arrays, prefix=1, stride=2, block_size=20, batch_size=16, seed=0)
    (_, _, y), count = sampler.next()
    assert count > 0 and ((y >= 0).sum(1) > 0).all()  # every crop of the batch learns something


def test_a_pair_learned_throughout_is_cropped_everywhere():
    """A harmonized chorale learns every lower-voice cell: its windows start anywhere, not only at the top."""
    n = 1 + 2 * 100
    tgt = np.arange(n, dtype=np.uint16) + 3  # each token names its place
    learn = np.ones(n, np.uint8)
    learn[0] = 0
    arrays = (tgt.copy(), tgt, learn, np.array([0, n]))
    sampler = PairSampler(arrays, prefix=1, stride=2, block_size=20, batch_size=64, seed=0)
    (src, _, _), _ = sampler.next()
    starts = {int(row[1]) for row in src.numpy()}  # the first body token names the window's first step
    assert len(starts) > 20 and max(starts) > min(starts) + 100
