"""`tunesmith train` and `tunesmith models`: thin, and their errors are clear (training itself is tested in
tests/training)."""

from tunesmith.cli import main


def test_train_lists_presets(capsys):
    assert main(["train", "--list"]) == 0
    assert {"chorales-lstm", "chorales-transformer", "folk-lstm", "folk-transformer"} <= set(
        capsys.readouterr().out.split())


def test_bad_override_names_the_key(capsys):
    assert main(["train", "--preset", "debug", "--set", "train.lr=fast"]) == 2
    assert "train.lr" in capsys.readouterr().err


def test_train_needs_a_preset_or_a_checkpoint(capsys):
    assert main(["train"]) == 2
    assert "--preset" in capsys.readouterr().err


def test_missing_data_says_how_to_make_it(capsys, tmp_path):
    assert main(["train", "--preset", "chorales-lstm", "--out", str(tmp_path)]) == 2
    assert "tunesmith data tokenize" in capsys.readouterr().err


def test_models_lists_shipped_models(capsys):
    assert main(["models"]) == 0
    assert capsys.readouterr().out.strip()
