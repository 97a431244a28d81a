"""Harmonizing keeps the melody note for note as the soprano, in its key and meter, with either kind of model
(a seq2seq reading the whole melody, a voice-grid Transformer seeing it so far), under compose's constraints;
bad input is one clear error or warning and leaves no file behind."""

import json

import pytest
import torch

from tunesmith.errors import ConfigError, TunesmithError
from tunesmith.generation.given_jobs import harmonize_files
from tunesmith.generation.harmonize import harmonize
from tunesmith.generation.load import Loaded
from tunesmith.generation.request import Request
from tunesmith.io import write
from tunesmith.models import build_model
from tunesmith.representation import get_tokenizer
from tunesmith.score.model import KeySignature, Metadata, Score, TimeSignature, Track, note_array
from tunesmith.theory.scales import in_key

TOK = get_tokenizer("voicegrid", voices=4)
# a tune in G major, 3/4, with a one-beat pickup and a fermata at the end of its first phrase
TUNE = [(67, 0, 480), (71, 480, 480), (74, 960, 480), (72, 1440, 240), (71, 1680, 240), (69, 1920, 960),
        (67, 2880, 480), (66, 3360, 480), (67, 3840, 480), (69, 4320, 480), (71, 4800, 480), (67, 5280, 1440)]


def tune(rows=TUNE, meter=(3, 4)):
    return Score(tracks=(Track(note_array(rows), name="tune"),), time_signatures=(TimeSignature(0, *meter),),
                 key_signatures=(KeySignature(0, 7, "major"),), metadata=Metadata(title="Test tune"),
                 fermatas=(1920,))


@pytest.fixture(scope="module", params=["seq2seq", "transformer"])
def loaded(request, tmp_path_factory):
    torch.manual_seed(0)
    conditional = request.param == "seq2seq"
    model = build_model(request.param, "debug", vocab_size=len(TOK.vocab) + conditional).eval()
    vocab = [*TOK.vocab.names, *(["Mask"] if conditional else [])]
    return Loaded(request.param, tmp_path_factory.mktemp("model"), model, TOK, {"vocab": vocab}, None, 0.0)


@pytest.mark.parametrize("seed", [0, 1])
def test_the_soprano_is_the_melody_note_for_note(loaded, seed):
    score, ids, info = harmonize(loaded, tune(), Request(seed=seed))
    assert len(score.tracks) == 4 and [t.name for t in score.tracks] == ["soprano", "alto", "tenor", "bass"]
    soprano = score.tracks[0].notes
    assert soprano[["pitch", "start", "duration"]].tolist() == note_array(TUNE)[["pitch", "start", "duration"]].tolist()
    assert score.key_signatures[0].name == "G major" and score.time_signatures[0].numerator == 3
    assert all(len(t) for t in score.tracks[1:]) and info["warnings"] == []
    assert info["cadences"][-1]["chord"] == "I"


def test_compose_constraints_apply_to_the_written_voices(loaded):
    ranges = ((55, 84), (55, 72), (48, 67), (36, 60))
    score, _, _ = harmonize(loaded, tune(), Request(in_key=True, ranges=ranges, seed=2))
    key = score.key_signatures[0]
    for v, t in enumerate(score.tracks[1:], start=1):
        p = t.notes["pitch"]
        assert in_key(p, key).all() and p.min() >= ranges[v][0] and p.max() <= ranges[v][1]
    bass = score.tracks[3].notes
    assert bass["pitch"][-1] % 12 == 7  # ends on the tonic (G)


def test_the_files_and_report(loaded, tmp_path):
    path = tmp_path / "tune.mid"
    write(tune(), path)
    r = harmonize_files(loaded, path, Request(seed=4), tmp_path / "out", formats=("mid", "musicxml"))
    files = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert files == ["tune-harmonized-4.json", "tune-harmonized-4.mid", "tune-harmonized-4.musicxml"]
    report = json.loads((tmp_path / "out" / "tune-harmonized-4.json").read_text())
    assert report["melody"]["notes"] == len(TUNE) and report["analysis"]["tracks"] == 4 == r["analysis"]["tracks"]


def test_a_melody_with_chords_keeps_its_top_line_and_says_so(loaded):
    rows = TUNE + [(55, 0, 480), (59, 1920, 960)]
    score, _, info = harmonize(loaded, tune(rows))
    assert score.tracks[0].notes["pitch"].tolist() == [p for p, _, _ in TUNE]
    assert any("chords" in w for w in info["warnings"])


def test_a_melody_out_of_range_moves_by_octaves_and_says_so(loaded):
    high = [(p + 24, s, d) for p, s, d in TUNE]
    score, _, info = harmonize(loaded, tune(high))
    assert score.tracks[0].notes["pitch"].tolist() == [p for p, _, _ in TUNE]
    assert any("moved -24 semitones" in w for w in info["warnings"])
    with pytest.raises(ConfigError, match="no octave"):
        harmonize(loaded, tune([(40, 0, 480), (90, 480, 480)]))


@pytest.mark.parametrize(("make", "message"), [
    (lambda p: write(Score(tracks=(Track(note_array()),)), p), "no notes|holds no notes"),
    (lambda p: p.write_bytes(b"MThd garbage"), "cannot be read|not a MIDI|no notes|MIDI"),
])
def test_bad_files_are_one_error_and_write_nothing(loaded, tmp_path, make, message):
    path = tmp_path / "bad.mid"
    make(path)
    with pytest.raises(TunesmithError, match=message):
        harmonize_files(loaded, path, Request(), tmp_path / "out")
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_an_unknown_style_or_meter_is_refused_before_any_work(loaded, tmp_path):
    with pytest.raises(ConfigError, match="unknown style 'polka'"):
        Request(style="polka")
    with pytest.raises(ConfigError, match="meter 7/4 has no token"):
        harmonize(loaded, tune(meter=(7, 4)))


def test_compose_refuses_a_conditional_model_in_one_line(loaded, tmp_path):
    from tunesmith.generation.job import compose_files

    if loaded.model.data_kind != "conditional":
        pytest.skip("a sequence model composes")
    with pytest.raises(ConfigError, match="writes music given other music"):
        compose_files(loaded, Request(bars=2), tmp_path / "out")
    assert not (tmp_path / "out").exists()
