"""Attention made visible: token weights summed to notes and bars exactly, readings in musical terms, the job and
its pictures, the live view while composing, and one-line errors for bad input."""

import json
import subprocess
import sys

import numpy as np
import pytest
import torch

from tunesmith.assistant.attention import aggregate, attention_map, bar_looks, body_start, grid_notes, ids_map
from tunesmith.assistant.reading import read_map
from tunesmith.io import write
from tunesmith.models import build_model
from tunesmith.models.checkpoint import save
from tunesmith.representation import get_tokenizer
from tunesmith.score import Score, TimeSignature, Track, note_array

from .scores import PHRASE, chorale

Q = 480
TOK = get_tokenizer("voicegrid", voices=4)
ONE = get_tokenizer("voicegrid", voices=1)


def model(name="transformer", tok=TOK, **kw):
    torch.manual_seed(0)
    return build_model(name, "debug", vocab_size=len(tok.vocab), dropout=0.0, **kw).eval()


def test_tokens_map_to_the_notes_sounding_there():
    score = chorale(*PHRASE[:2], quarters=1)  # two chords of a quarter: 4 steps each
    ids = TOK.encode(score)
    start = body_start(TOK, ids)
    assert start == len(TOK.prefix(score, None)) == 4  # BOS, style, meter, tempo (no key signature)
    notes = grid_notes(TOK, ids, start)
    assert len(notes) == 8 and [n.voice for n in notes[:4]] == [0, 1, 2, 3]
    first = notes[0]
    assert (first.pitch, first.step, first.steps, first.token) == (72, 0, 4, start)  # a quarter: 4 steps
    assert (notes[5].voice, notes[5].step, notes[5].token) == (1, 4, start + 4 * 4 + 1)  # the alto's second


def test_sums_are_exact_on_weights_made_by_hand():
    """Each token chosen puts all its attention on one token: the sums land where they must."""
    score = chorale(*PHRASE, quarters=1)  # 8 quarters: 2 bars of 4/4
    ids = TOK.encode(score)
    T, start = len(ids), body_start(TOK, ids)
    w = np.zeros((1, 2, T, T), np.float32)
    for i in range(T):
        w[0, 0, i, max(i - 3, 0)] = 1.0  # head 1: row i chooses token i + 1: its voice a step back (or BOS)
        w[0, 1, i, 0] = 1.0  # head 2: BOS only
    parts = aggregate(w, ids, TOK, np.array([0, 16]), steps_per_beat=4)
    notes = parts["notes"]
    assert parts["conditioning"][0, 1] == pytest.approx(1.0) and parts["same_voice"][0, 0] > 0.9
    # the choice of a note is made one position before its token, looking at its own voice's note before it
    alto2 = next(k for k, n in enumerate(notes) if n.voice == 1 and n.step == 4)
    alto1 = next(k for k, n in enumerate(notes) if n.voice == 1 and n.step == 0)
    assert parts["note_weights"][0, 0, alto2, alto1] == pytest.approx(1.0)
    assert parts["note_weights"][0, 0, alto2].sum() == pytest.approx(1.0)
    by_beats = parts["by_beats"][0, 0]
    assert by_beats.sum() + parts["conditioning"][0, 0] == pytest.approx(1.0)
    bars = parts["bar_weights"][0, 0]
    assert bars.shape == (2, 2) and bars[1, 0] > 0 and bars[0, 1] == 0  # causal
    assert T == start + 8 * 4 * 4 + 1


@pytest.mark.parametrize("name", ["transformer", "attention-rnn"])
def test_a_map_of_a_real_model_adds_up(name):
    m = model(name)
    score = chorale(*PHRASE, *PHRASE, quarters=1)
    amap = attention_map(m, TOK, score)
    N = len(amap.notes)
    assert amap.note_weights.shape[2:] == (N, N) and N == 64
    assert (amap.note_weights.sum(-1) <= 1 + 1e-4).all()
    assert np.allclose(amap.by_beats.sum(-1) + amap.conditioning, 1, atol=1e-4)
    assert len(amap.bar_labels) == 4 and amap.mean("bar_weights").shape == (4, 4)
    looks = bar_looks(amap)
    assert looks[2]["bar"] == "3" and set(looks[2]["earlier"]) == {"1", "2"}


def test_a_melody_that_returns_is_read_as_such():
    """A tune whose bar 3 repeats bar 1, with weights that make bar 3 look at bar 1: the reading says so."""
    bar = [(60, 0, Q), (62, Q, Q), (64, 2 * Q, Q), (60, 3 * Q, Q)]
    other = [(67, 0, 2 * Q), (65, 2 * Q, 2 * Q)]
    notes = [(p, s + b * 4 * Q, d) for b, phrase in enumerate([bar, other, bar, other]) for p, s, d in phrase]
    tune = Score(tracks=(Track(note_array(notes)),), time_signatures=(TimeSignature(0, 4, 4),))
    amap = attention_map(model(tok=ONE), ONE, tune)
    start, T = body_start(ONE, amap.ids), len(amap.ids)
    w = np.zeros((1, 1, T, T), np.float32)
    for i in range(T):
        w[0, 0, i, i] = 1.0
    for i in range(start + 32 - 1, start + 48 - 1):  # the tokens of bar 3 are chosen looking at bar 1 half the time
        w[0, 0, i, i] = 0.5
        w[0, 0, i, i - 32] = 0.5
    parts = aggregate(w, amap.ids, ONE, amap.bar_starts, 4)
    for k, v in parts.items():
        setattr(amap, k, v)
    readings = read_map(amap)
    assert readings[0].bar == "3" and readings[0].source == "1"
    assert "returns note for note" in readings[0].text and "the opening returns" in readings[0].text


def test_models_without_attention_and_other_representations_are_refused():
    from tunesmith.errors import ConfigError

    with pytest.raises(ConfigError, match="no attention"):
        attention_map(model("rnn"), TOK, chorale(*PHRASE))
    with pytest.raises(ConfigError, match="voice grid"):
        attention_map(model(), get_tokenizer("remi"), chorale(*PHRASE))
    with pytest.raises(ConfigError, match="attends to a source"):  # a conditional model (issue 12's Seq2Seq)
        attention_map(model("seq2seq"), TOK, chorale(*PHRASE))


def test_the_live_view_composes_the_same_piece_as_compose():
    from tunesmith.assistant.attention_job import watch
    from tunesmith.generation.compose import Request, compose
    from tunesmith.generation.load import Loaded

    m = model()
    loaded = Loaded("tiny", None, m, TOK, {}, None, 0.0)
    req = Request(key="G major", meter="3/4", bars=4, seed=2)
    events = list(watch(loaded, req))
    score, ids = compose(m, TOK, loaded.request(req))
    assert events[-1]["done"] and events[-1]["ids"] == ids and events[-1]["score"] == score
    looks = events[:-1]
    assert [e["bar"] for e in looks] == ["1", "2", "3", "4"]  # each bar as soon as it is written
    assert set(looks[2]["earlier"]) == {"1", "2"}
    final = bar_looks(ids_map(m, TOK, ids))
    assert final[1]["earlier"] == pytest.approx(looks[1]["earlier"], abs=1e-3)  # causal: the same weights


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory):
    m = model()
    folder = tmp_path_factory.mktemp("ckpt") / "tiny"
    save(folder, m, {"model": {"name": "transformer", "config": m.config_dict()}, "tokenizer": TOK.to_dict()})
    return folder


def run(*args):
    return subprocess.run([sys.executable, "-m", "tunesmith", *args], capture_output=True, text=True, timeout=300)


def test_the_command_writes_pictures_and_a_report(checkpoint, tmp_path):
    path = tmp_path / "phrase.mid"
    write(chorale(*PHRASE, *PHRASE), path)
    r = run("attention", str(path), "--model", str(checkpoint), "--out", str(tmp_path / "maps"))
    assert r.returncode == 0, r.stderr
    assert "64 notes, 4 bars" in r.stdout and "grid steps" in r.stdout
    for name in ("phrase-attention.png", "phrase-heads.png"):
        assert (tmp_path / "maps" / name).stat().st_size > 10_000
    report = json.loads((tmp_path / "maps" / "phrase-attention.json").read_text())
    assert report["layers"] == 2 and report["heads"] == 2 and len(report["bar_looks"]) == 4


def test_compose_draws_what_the_model_attended_to(checkpoint, tmp_path):
    r = run("compose", "--model", str(checkpoint), "--bars", "2", "--key", "C major", "--meter", "4/4",
            "--attention", "--formats", "mid", "-o", str(tmp_path))
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "tiny-0-attention.png").stat().st_size > 10_000 and (tmp_path / "tiny-0-heads.png").is_file()


@pytest.mark.parametrize("case, message", [("empty", "no notes"), ("model", "no model"), ("rnn", "no attention")])
def test_bad_input_gets_one_line(tmp_path, case, message, capsys):
    """Through the command's entry point in process (the same path as the shell's, without starting Python)."""
    from tunesmith.cli import main

    path = tmp_path / "piece.json"
    write(Score() if case == "empty" else chorale(*PHRASE), path)
    model_ref = "nonesuch"
    if case == "rnn":
        m = model("rnn")
        model_ref = str(tmp_path / "rnn")
        save(model_ref, m, {"model": {"name": "rnn", "config": m.config_dict()}, "tokenizer": TOK.to_dict()})
    assert main(["attention", str(path), "--model", model_ref]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1, err
