import subprocess
import sys

import pytest
from hypothesis import given

from tunesmith.errors import ConfigError
from tunesmith.representation import REPRESENTATIONS, get_tokenizer, tokenizer_class
from tunesmith.representation.base import (
    SPECIALS,
    Conditioning,
    Tokenizer,
    Vocab,
    header,
    tempo_bin,
)
from tunesmith.score import KeySignature, Metadata, Score, Tempo, TimeSignature, Track, note_array

from .strategies import PROPERTY, scores


def test_vocab_layout_lists_each_family_once():
    v = Vocab(["PAD", "Pitch_60", "Pitch_61", "Step"])
    assert v["Pitch_61"] == 2 and v.name(3) == "Step" and "Step" in v and len(v) == 4
    assert v.ids("Pitch_") == [1, 2]
    assert v.layout().splitlines() == [
        "          0  PAD        PAD",
        "        1-2  Pitch      Pitch_60 .. Pitch_61",
        "          3  Step       Step",
        "4 tokens",
    ]
    with pytest.raises(ValueError, match="duplicate"):
        Vocab(["a", "a"])


def test_conditioning_of_a_score():
    s = Score(tempos=(Tempo(0, 100),), time_signatures=(TimeSignature(0, 6, 8),),
              key_signatures=(KeySignature(0, 3, "minor"),), metadata=Metadata(style="bach"))
    cond = Conditioning.of(s)
    assert cond == Conditioning(style="bach", key="Eb_minor", meter="6/8", tempo=96)
    assert Conditioning.from_tokens(cond.tokens()) == cond
    assert Conditioning.of(Score()).tokens() == ["Style_none", "Meter_4/4", "Tempo_120"]
    assert Conditioning.of(Score(metadata=Metadata(style="baroque"))).style == "user"
    assert Conditioning.of(Score(time_signatures=(TimeSignature(0, 7, 8),))).meter == "other"


def test_apply_writes_no_style_for_none():
    s = Conditioning(style="none", meter="other", tempo=60).apply(Score(metadata=Metadata(title="x")))
    assert s.metadata == Metadata(title="x") and s.tempos == (Tempo(0, 60.0),)
    assert s.time_signatures == (TimeSignature(0, 4, 4),)


def test_tempo_bin_takes_the_lower_bin_on_a_tie():
    assert tempo_bin(66) == 60 and tempo_bin(67) == 72 and tempo_bin(500) == 208 and tempo_bin(1) == 40


@PROPERTY
@given(scores)
def test_header_restates_the_conditioning_round_trip(score):
    assert header(score) == Conditioning.of(score).apply(Score())


def test_split_prefix_stops_at_eos_and_gathers_conditioning_anywhere():
    tok = get_tokenizer("frame")
    v = tok.vocab
    ids = [v["BOS"], v["Style_folk"], v["Pitch_60"], v["PAD"], v["Tempo_60"], v["Step"], -3, len(v),
           v["EOS"], v["Pitch_61"], v["Key_C_major"]]
    cond, body = tok.split_prefix(ids)
    assert cond == Conditioning(style="folk", tempo=60)
    assert body == [v["Pitch_60"], v["Step"]]


def test_registry_names_match_classes():
    for name in REPRESENTATIONS:
        cls = tokenizer_class(name)
        assert issubclass(cls, Tokenizer) and cls.name == name
        tok = get_tokenizer(name)
        assert tok.vocab.names[: len(SPECIALS)] == list(SPECIALS)


def test_unknown_names_and_bad_configs_are_config_errors():
    with pytest.raises(ConfigError, match="remi, frame, voicegrid"):
        get_tokenizer("midilike")
    with pytest.raises(ConfigError, match="bad config"):
        get_tokenizer("frame", colour="red")
    with pytest.raises(ConfigError, match="steps_per_quarter"):
        get_tokenizer("voicegrid", steps_per_quarter=7)
    with pytest.raises(ConfigError, match="low"):
        get_tokenizer("frame", low=90, high=80)


@pytest.mark.parametrize("name,config", [
    ("remi", {"velocity_bins": 4, "tempos": False}),
    ("frame", {"steps_per_quarter": 2, "low": 40}),
    ("voicegrid", {"voices": 3}),
])
def test_save_and_load_give_the_same_tokenizer(tmp_path, name, config):
    tok = get_tokenizer(name, **config)
    tok.save(tmp_path / "tok.json")
    back = Tokenizer.load(tmp_path / "tok.json")
    assert type(back) is type(tok) and back.config == tok.config and back.vocab.names == tok.vocab.names
    assert Tokenizer.from_dict(tok.to_dict()).config == tok.config
    s = Score(tracks=(Track(note_array([(60, 0, 480), (64, 480, 240)])),))
    assert back.encode(s) == tok.encode(s)


def test_import_is_cheap():
    heavy = ("torch", "music21", "tunesmith.representation.remi")
    code = f"import sys, tunesmith.representation; print(sorted(m for m in {heavy} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("name", list(REPRESENTATIONS))
def test_module_prints_its_vocabulary(name):
    out = subprocess.run([sys.executable, "-m", f"tunesmith.representation.{name}"],
                         capture_output=True, text=True, check=True)
    n = len(get_tokenizer(name).vocab)
    assert out.stderr == "" and f"{n} tokens" in out.stdout and "Pitch" in out.stdout
