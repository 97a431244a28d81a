"""`tunesmith compose` / `continue` end to end on a debug-size checkpoint (the shipped ones are tested in
tests/test_readme.py)."""

import json
import subprocess
import sys

import pytest
import torch

from tunesmith.io import read, write_midi
from tunesmith.models import build_model
from tunesmith.models.checkpoint import save
from tunesmith.representation import get_tokenizer
from tunesmith.score import Score, Track, note_array


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory):
    tok = get_tokenizer("voicegrid", voices=4)
    torch.manual_seed(0)
    model = build_model("rnn", size="debug", vocab_size=len(tok.vocab))
    folder = tmp_path_factory.mktemp("ckpt") / "tiny"
    save(folder, model, {"model": {"name": "rnn", "config": model.config_dict()}, "tokenizer": tok.to_dict()})
    return folder


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "tunesmith", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=300)


def test_compose_writes_six_files_per_piece(checkpoint, tmp_path):
    r = run("compose", "--model", str(checkpoint), "--bars", "2", "--key", "F major", "--meter", "3/4",
            "-n", "2", "-o", str(tmp_path))
    assert r.returncode == 0, r.stderr
    for seed in (0, 1):
        for ext in ("mid", "wav", "png", "musicxml", "svg", "json"):
            assert (tmp_path / f"tiny-{seed}.{ext}").stat().st_size > 0
    report = json.loads((tmp_path / "tiny-0.json").read_text())
    assert report["seed"] == 0 and report["settings"]["key"] == "F major"
    assert report["analysis"]["meter"] == "3/4" and report["analysis"]["notated_key"] == "F major"
    assert report["analysis"]["in_key_rate"] is not None and report["timings_s"]["tokens_per_s"] > 0
    midi = read(tmp_path / "tiny-0.mid")
    assert midi.note_count == report["analysis"]["notes"] and midi.end <= 2 * 3 * 480


def test_stream_prints_notes(checkpoint):
    r = run("compose", "--model", str(checkpoint), "--bars", "1", "--stream", "--seed", "3")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.strip().splitlines()
    assert lines[0].startswith("voice") and len(lines) > 1


def test_stream_into_a_reader_that_stops_early_ends_quietly(checkpoint):
    """`tunesmith compose --stream | head -2`: no traceback when the reader goes away."""
    cmd = [sys.executable, "-m", "tunesmith", "compose", "--model", str(checkpoint), "--bars", "16", "--stream"]
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as p:
        assert p.stdout.readline().startswith("voice")
        p.stdout.close()  # the reader leaves after one line, while notes are still coming
        err = p.stderr.read()
        assert p.wait(timeout=300) == 0 and "Traceback" not in err


def test_continue_keeps_the_primer(checkpoint, tmp_path):
    primer = Score(tracks=(Track(note_array([(72, 0, 960), (74, 960, 960), (76, 1920, 1920)])),))
    write_midi(primer, tmp_path / "primer.mid")
    r = run("continue", str(tmp_path / "primer.mid"), "--model", str(checkpoint), "--bars", "2",
            "--formats", "mid", "-o", str(tmp_path))
    assert r.returncode == 0, r.stderr
    out = read(tmp_path / "primer-continued-0.mid")
    assert out.tracks[0].notes[:3].tolist() == primer.tracks[0].notes.tolist()
    assert out.end > primer.end


def test_bad_requests_are_clear_errors(checkpoint):
    for args, text in ((["--bars", "0"], "bars"), (["--key", "Q major"], "cannot read key"),
                       (["--model", "nonexistent"], "no model"), (["--instruments", "piano"], "--instruments")):
        r = run("compose", "--model", str(checkpoint), *args) if "--model" not in args else run("compose", *args)
        assert r.returncode == 2 and text in r.stderr and "Traceback" not in r.stderr
