import dataclasses

import pytest

from tunesmith.errors import ConfigError
from tunesmith.models import RNNConfig, TransformerConfig
from tunesmith.training.config import RunConfig, TrainConfig, load_preset, parse_override, presets
from tunesmith.training.schedule import lr_at

SHIPPED = ["chorales-lstm", "chorales-transformer", "folk-lstm", "folk-transformer"]


def test_presets_for_every_shipped_model_and_family():
    names = presets()
    assert set(SHIPPED) <= set(names)
    families = {load_preset(n).model for n in names}
    assert families == {"rnn", "attention-rnn", "transformer", "seq2seq", "vae", "gan"}
    for n in names:  # every preset is valid as it stands
        assert isinstance(load_preset(n).train, TrainConfig)


def test_overrides_are_typed():
    run = load_preset("chorales-lstm", ["train.lr=3e-4", "train.max_steps=10", "model.cell=gru", "model.hidden=64",
                                        "train.betas=[0.8, 0.9]", "train.compile=true", "data=elsewhere"])
    assert run.train.lr == 3e-4 and run.train.max_steps == 10 and run.train.compile is True
    assert run.train.betas == (0.8, 0.9) and run.data == "elsewhere"
    assert run.model_config == RNNConfig(cell="gru", n_layer=2, hidden=64, dropout=0.2)
    assert load_preset("debug", ["train.lr=1"]).train.lr == 1.0  # an int widens to float


@pytest.mark.parametrize("item, key", [
    ("train.lr=fast", "train.lr"),
    ("train.max_steps=2.5", "train.max_steps"),
    ("train.compile=1", "train.compile"),
    ("train.betas=[0.9]", "train.betas"),
    ("train.learning_rate=1", "train.learning_rate"),
    ("model.hidden=64", "model.hidden"),  # the debug preset is a transformer: no such field
    ("model.n_layer=two", "model.n_layer"),
    ("model.name=wavenet", "wavenet"),
    ("model.size=huge", "huge"),
    ("train.precision=fp16", "train.precision"),
    ("train.batch_size=0", "train.batch_size"),
    ("seed=1", "seed"),
    ("train.lr", "key=value"),
])
def test_bad_override_names_the_key(item, key):
    with pytest.raises(ConfigError, match=key):
        load_preset("debug", [item])


def test_unknown_preset_lists_valid_ones():
    with pytest.raises(ConfigError, match="chorales-lstm"):
        load_preset("nope")


def test_preset_from_a_file(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text('data = "x"\n[model]\nname = "rnn"\nsize = "debug"\ncell = "rnn"\n[train]\nmax_steps = 3\n')
    run = load_preset(str(path))
    assert run.model_config.cell == "rnn" and run.train.max_steps == 3
    path.write_text("[train\n")
    with pytest.raises(ConfigError, match="mine"):
        load_preset(str(path))


def test_round_trip_through_a_dict():
    run = load_preset("chorales-transformer", ["model.n_layer=2"])
    filled = dataclasses.replace(run, model_config=dataclasses.replace(run.model_config, vocab_size=99))
    back = RunConfig.from_dict(filled.to_dict())
    assert back == filled and isinstance(back.model_config, TransformerConfig)


def test_configs_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        load_preset("debug").train.lr = 1.0


def test_parse_override():
    assert parse_override("a.b = 3") == ("a.b", 3)
    assert parse_override("a=gru") == ("a", "gru")  # a bare word is a string
    assert parse_override('a="1"') == ("a", "1")


def test_schedule_is_a_pure_function_of_the_step():
    lrs = [lr_at(s, 1.0, 10, 110, 0.1) for s in range(120)]
    assert lrs[0] == pytest.approx(0.1) and lrs[9] == pytest.approx(1.0)
    assert all(a >= b for a, b in zip(lrs[9:], lrs[10:]))  # warm, then never rising
    assert lrs[110] == pytest.approx(0.1) and lrs[119] == pytest.approx(0.1)
    assert lrs[60] == pytest.approx(0.55)  # halfway down the cosine
    assert lr_at(50, 1.0, 10, 110, kind="constant") == 1.0
    with pytest.raises(ConfigError):
        lr_at(0, 1.0, 1, 2, kind="plateau")
