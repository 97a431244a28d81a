"""The report of every composed piece carries its originality against the model's training data, from the
index shipped beside the model, else from the corpus cache, else null -- never a failed compose."""

import json
import logging

import numpy as np
import pytest
import torch

from tunesmith.evaluation import corpus_index
from tunesmith.evaluation.originality import build_index
from tunesmith.generation.compose import Request
from tunesmith.generation.defaults import KEY_PENALTY, TOP_P
from tunesmith.generation.job import compose_files
from tunesmith.generation.load import Loaded
from tunesmith.models import build_model
from tunesmith.representation import get_tokenizer
from tunesmith.score import Score, Track, note_array

TOK = get_tokenizer("voicegrid", voices=4)
CONFIG = {"data": {"source": {"corpora": ["chorales"]}}}


@pytest.fixture(scope="module")
def model():
    torch.manual_seed(0)
    return build_model("rnn", size="debug", vocab_size=len(TOK.vocab))


def loaded(model, folder, config=CONFIG):
    folder.mkdir(parents=True, exist_ok=True)
    return Loaded("tiny", folder, model, TOK, config, None, 0.0)


def compose_two(model, folder, out, config=CONFIG):
    reports = compose_files(loaded(model, folder, config), Request(bars=4, seed=0), out, n=2, formats=())
    assert [json.loads((out / f"tiny-{s}.json").read_text())["originality"] for s in (0, 1)] == \
        [r["originality"] for r in reports]
    return [r["originality"] for r in reports]


def test_the_index_beside_the_model_is_loaded_once(model, tmp_path, monkeypatch):
    r = np.random.default_rng(1)
    melodies = [note_array([(60 + int(p), 240 * i, 240) for i, p in enumerate(r.integers(0, 12, size=40))])
                for _ in range(3)]
    index = build_index([Score(tracks=(Track(m),)) for m in melodies], source="tunes:train")
    index.save(tmp_path / "m" / "originality")
    calls = []
    real = corpus_index.model_index
    monkeypatch.setattr(corpus_index, "model_index", lambda *a: calls.append(a) or real(*a))
    for o in compose_two(model, tmp_path / "m", tmp_path / "out"):
        assert o["index"] == "tunes:train" and o["index_pieces"] == 3 and o["n"] == 8
        assert 0 <= o["ngram_overlap"] <= 1 and 0 <= o["longest_shared_run"] <= o["melody_notes"]
        assert o["melody_notes"] > 8
    assert len(calls) == 1


def test_without_an_index_the_training_corpus_cache_stands_in(model, tmp_path, fake_chorales):
    for o in compose_two(model, tmp_path / "m", tmp_path / "out"):
        assert o["index"] == "chorales:train" and o["index_pieces"] == 2
        assert 0 <= o["ngram_overlap"] <= 1 and o["longest_shared_run"] <= o["melody_notes"]


@pytest.mark.parametrize("config", [CONFIG, {}])
def test_with_neither_the_field_is_null_and_one_line_says_why(model, tmp_path, monkeypatch, caplog, config):
    monkeypatch.setenv("TUNESMITH_CACHE", str(tmp_path / "empty"))
    with caplog.at_level(logging.WARNING, logger="tunesmith.generation.job"):
        assert compose_two(model, tmp_path / "m", tmp_path / "out", config) == [None, None]
    [record] = caplog.records
    assert record.getMessage().startswith("originality not checked: m: no originality index shipped")


def test_a_model_s_tuned_settings_fill_what_the_request_leaves_open(model, tmp_path):
    """The shipped config's "compose" section sets the soft key and the hold penalty unless the request does;
    the report says which values were used."""
    config = {**CONFIG, "compose": {"key_penalty": 2.0, "hold_penalty": 0.75, "programs": [40]}}
    tuned = loaded(model, tmp_path / "m", config)
    assert tuned.request(Request()).key_penalty == 2.0 and tuned.request(Request()).hold_penalty == 0.75
    assert tuned.request(Request(key_penalty=0.0)).key_penalty == 0.0  # what the user asks for stays
    [report] = compose_files(tuned, Request(bars=2, seed=0), tmp_path / "out", n=1, formats=())
    assert report["settings"]["key_penalty"] == 2.0 and report["settings"]["hold_penalty"] == 0.75
    plain = loaded(model, tmp_path / "p")  # no tuned settings: the defaults of generation/defaults.py
    assert plain.request(Request()).key_penalty == KEY_PENALTY and plain.request(Request()).top_p == TOP_P


def test_the_report_s_in_key_rate_is_evaluate_s(model, tmp_path, monkeypatch):
    """One definition of "in key": an A-minor melody with the raised 6th (F#) and the natural 7th (G) is all in
    key for both the report and `tunesmith evaluate`'s metric (harmonic minor alone would leave both out)."""
    from tunesmith.evaluation.metrics import in_key_rate
    from tunesmith.generation import job
    from tunesmith.io import read

    pitches = [57, 59, 60, 62, 64, 66, 68, 69, 67, 65, 64, 62, 60, 59, 57, 64, 57]
    starts = np.cumsum([0] + [1] * 14 + [2, 2]) * 480
    piece = Score(tracks=(Track(note_array([(p, int(s), 480) for p, s in zip(pitches, starts)])),))
    monkeypatch.setattr(job, "compose", lambda *a, **k: (piece, [0] * 5))
    [report] = compose_files(loaded(model, tmp_path / "m", {}), Request(bars=2), tmp_path / "out", formats=("mid",))
    written = json.loads((tmp_path / "out" / "tiny-0.json").read_text())["analysis"]["in_key_rate"]
    assert written == report["analysis"]["in_key_rate"] == round(in_key_rate(read(tmp_path / "out" / "tiny-0.mid")), 4)
    assert written == 1.0


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"n": 0}, "number of pieces must be in 1..1000"),
    ({"n": 2, "request": Request(seed=2**64 - 1)}, "run past 18446744073709551615"),
    ({"formats": ("mid", "mp3")}, "unknown format.*'mp3'"),
    ({"formats": ("json",)}, "unknown format.*'json'.*the .json report is always written"),
    ({"out_dir": "a-file"}, "it is a file, not a folder"),
    ({"out_dir": "a-file/out"}, "a-file is a file, not a folder"),
])
def test_a_job_checks_everything_before_it_loads_a_model(tmp_path, monkeypatch, kwargs, message):
    """The model named does not exist: had the job loaded it first, the error would say so."""
    from tunesmith.errors import ConfigError

    monkeypatch.chdir(tmp_path)
    (tmp_path / "a-file").write_text("not a folder")
    kwargs = {"request": Request(bars=2), "out_dir": "out", **kwargs}
    with pytest.raises(ConfigError, match=message):
        compose_files("no-such-model", kwargs.pop("request"), kwargs.pop("out_dir"), **kwargs)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]  # no output folder made


def test_what_the_model_cannot_write_is_refused_before_the_first_piece(model, tmp_path):
    from tunesmith.errors import ConfigError

    with pytest.raises(ConfigError, match="5 instruments for 4 voice"):
        compose_files(loaded(model, tmp_path / "m", {}), Request(programs=(1, 2, 3, 4, 5)), tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_a_piece_that_fails_between_its_files_leaves_none_of_them(model, tmp_path, monkeypatch):
    """The MIDI is written, then the piano roll fails: neither the .mid nor a .json may stay behind; the
    piece before it stays whole."""
    from tunesmith import render

    real = render.RENDERERS["png"]
    calls = []

    def second_fails(score, path):
        calls.append(path)
        if len(calls) == 2:
            raise RuntimeError("killed while drawing")
        return real(score, path)

    monkeypatch.setitem(render.RENDERERS, "png", second_fails)
    with pytest.raises(RuntimeError):
        compose_files(loaded(model, tmp_path / "m", {}), Request(bars=2), tmp_path / "out", n=2,
                      formats=("mid", "png"))
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["tiny-0.json", "tiny-0.mid", "tiny-0.png"]


KILLED = """
import os, signal, sys
import torch
from tunesmith import render
from tunesmith.generation.compose import Request
from tunesmith.generation.job import compose_files
from tunesmith.generation.load import Loaded
from tunesmith.models import build_model
from tunesmith.representation import get_tokenizer

tok = get_tokenizer("voicegrid", voices=4)
model = build_model("rnn", size="debug", vocab_size=len(tok.vocab))
render.RENDERERS["png"] = lambda score, path: os.kill(os.getpid(), signal.SIGKILL)  # after the .mid
compose_files(Loaded("tiny", sys.argv[1], model, tok, {}, None, 0.0), Request(bars=2), sys.argv[2],
              formats=("mid", "png"))
"""


def test_a_piece_killed_between_its_files_leaves_no_half_piece_and_the_next_run_cleans_up(model, tmp_path):
    import signal
    import subprocess
    import sys

    out = tmp_path / "out"
    killed = subprocess.Popen([sys.executable, "-c", KILLED, str(tmp_path / "m"), str(out)])
    assert killed.wait(timeout=300) == -signal.SIGKILL
    assert [p.name for p in out.iterdir()] == [f".tiny-0.tmp-{killed.pid}"]  # no .mid without its .json
    compose_files(loaded(model, tmp_path / "m", {}), Request(bars=2, seed=1), out, formats=("mid",))
    assert sorted(p.name for p in out.iterdir()) == ["tiny-1.json", "tiny-1.mid"]


def test_continue_writes_the_piece_and_its_report_together(model, tmp_path):
    from tunesmith.generation.job import continue_files
    from tunesmith.io import write_midi

    primer = Score(tracks=(Track(note_array([(72, 0, 960), (74, 960, 960), (76, 1920, 1920)])),))
    write_midi(primer, tmp_path / "tune.mid")
    report = continue_files(loaded(model, tmp_path / "m", {}), tmp_path / "tune.mid", Request(bars=2, seed=3),
                            tmp_path / "out", formats=("mid",))
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["tune-continued-3.json", "tune-continued-3.mid"]
    assert report["primer"]["bars"] == 2 and report["analysis"]["bars"] == 4  # 2 bars of primer, 2 new
    assert json.loads((tmp_path / "out" / "tune-continued-3.json").read_text())["files"] == {
        "mid": str(tmp_path / "out" / "tune-continued-3.mid")}


def test_a_tune_is_continued_by_the_folk_model_on_its_own_instrument(tmp_path):
    from tunesmith.generation.job import continue_files, model_for
    from tunesmith.generation.load import SHIPPED
    from tunesmith.io import read, write_midi

    if not (SHIPPED / "folk" / "config.json").is_file():
        pytest.skip("no shipped folk model")
    tune = Score(tracks=(Track(note_array([(67, 480 * i, 480) for i in range(8)]), program=73),))  # a flute
    chorale = Score(tracks=tuple(Track(note_array([(p, 0, 1920)])) for p in (72, 67, 60, 48)))
    assert model_for(tune) == "folk" and model_for(chorale) == "chorales"
    write_midi(tune, tmp_path / "tune.mid")
    report = continue_files("default", tmp_path / "tune.mid", Request(bars=2, seed=1), tmp_path / "out",
                            formats=("mid",))
    out = read(tmp_path / "out" / "tune-continued-1.mid")
    assert report["model"]["name"] == "folk" and [t.program for t in out.tracks] == [73]
    assert out.end > tune.end
