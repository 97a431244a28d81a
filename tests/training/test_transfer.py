"""Fine-tuning a trained model on a small folder of MIDI files: it starts from the base's weights in the base's
representation; a folder without one usable MIDI file, or too few pieces to hold some out, is one error and
leaves neither a corpus nor a run behind."""

import numpy as np
import pytest
import torch

from tests.training.conftest import melodies
from tunesmith.data.arrays import write_arrays
from tunesmith.errors import ConfigError, TunesmithError
from tunesmith.io import write
from tunesmith.models.checkpoint import load_model, read_config
from tunesmith.score import KeySignature, Score, TimeSignature, Track, note_array
from tunesmith.training import load_preset, train
from tunesmith.training.transfer import finetune


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("transfer")
    tok, pieces = melodies(20, 0)
    _, valid = melodies(4, 1)
    arrays = write_arrays(tmp / "arrays", tok, {"train": pieces, "valid": valid})
    train(load_preset("debug", [f'data="{arrays}"', "train.max_steps=10"]), tmp / "base")
    return tmp / "base" / "best"


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("TUNESMITH_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


def midi_folder(folder, n):
    folder.mkdir()
    rng = np.random.default_rng(3)
    for i in range(n):
        pitches = 60 + np.cumsum(rng.choice([-2, -1, 1, 2], 16))
        rows = [(int(p), j * 480, 480) for j, p in enumerate(pitches)]
        write(Score(tracks=(Track(note_array(rows)),), time_signatures=(TimeSignature(0, 4, 4),),
                    key_signatures=(KeySignature(0, 0, "major"),)), folder / f"tune{i}.mid")
    return folder


def test_fine_tuning_starts_from_the_base(base, cache, tmp_path):
    folder = midi_folder(tmp_path / "mine", 30)
    r = finetune(str(base), midi_dir=folder, out=tmp_path / "run", minutes=1,
                 overrides=["train.max_steps=1", "train.lr=1e-12", "train.warmup_steps=0"])
    tuned, tokenizer, config = load_model(tmp_path / "run" / "checkpoints" / "step-0000001")
    original, base_tok, _ = load_model(base)
    assert tokenizer == base_tok and config["init"] == str(base) and config["run"]["train"]["max_minutes"] == 1
    for (k, a), b in zip(original.state_dict().items(), tuned.state_dict().values()):
        torch.testing.assert_close(a, b, atol=1e-6, rtol=0, msg=k)
    scratch = finetune(str(base), midi_dir=folder, out=tmp_path / "scratch", minutes=1, scratch=True,
                       overrides=["train.max_steps=1"])
    assert "init" not in read_config(tmp_path / "scratch" / "best")
    assert r.unigram_nll == scratch.unigram_nll  # the same data, the same held-out pieces


def test_a_folder_without_usable_midi_is_one_error(base, cache, tmp_path):
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "a.mid").write_bytes(b"MThd not really")
    (bad / "b.midi").write_bytes(b"")
    with pytest.raises(TunesmithError, match="none of the 2 files could be read"):
        finetune(str(base), midi_dir=bad, out=tmp_path / "run")
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.txt").write_text("no music here")
    with pytest.raises(TunesmithError, match="no .mid or .midi files"):
        finetune(str(base), midi_dir=empty, out=tmp_path / "run")
    few = midi_folder(tmp_path / "few", 2)
    with pytest.raises(TunesmithError, match="fine-tuning needs some to learn from and some held out"):
        finetune(str(base), midi_dir=few, out=tmp_path / "run")
    assert not (tmp_path / "run").exists() and not (cache / "corpora" / "user-bad").exists()


def test_settings_are_checked_before_any_data_is_prepared(base, cache, tmp_path):
    folder = midi_folder(tmp_path / "mine", 3)
    with pytest.raises(ConfigError, match="minutes must be in"):
        finetune(str(base), midi_dir=folder, minutes=0)
    with pytest.raises(ConfigError, match="one of them"):
        finetune(str(base), midi_dir=folder, corpus="palestrina")
    with pytest.raises(TunesmithError, match="no model 'nowhere'"):
        finetune("nowhere", midi_dir=folder)
    assert not (cache / "corpora").exists()
