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


BAD = [
    (["--temperature", "nan"], "temperature must be a finite number"),
    (["--temperature", "inf"], "temperature must be a finite number"),
    (["--temperature", "0"], "temperature must be in 0.01..100"),
    (["--seed", "-1"], "seed must be in 0..18446744073709551615"),
    (["--seed", str(2**64)], "seed must be in 0..18446744073709551615"),
    (["--seed", str(2**64 - 1), "-n", "2"], "run past 18446744073709551615"),
    (["--max-rest", "nan"], "max rest (bars) must be a finite number"),
    (["--beams", "100000"], "beams must be in 1..16"),
    (["--top-k", "-1"], "top-k must be in"),
    (["--top-k", "100000"], "this model's tokens"),
    (["--top-p", "1.5"], "top-p must be in"),
    (["--bars", "0"], "bars must be in 1..512"),
    (["-n", "0"], "number of pieces must be in 1..1000"),
    (["--tempo", "1e9"], "tempo (qpm) must be in 20..400"),
    (["--key-penalty", "nan"], "key penalty (nats) must be a finite number"),
    (["--hold-penalty", "-1"], "hold penalty (nats) must be in 0..100"),
    (["--voices", "0"], "voices must be in"),
    (["--voices", "5"], "this model writes 1..4 voices, not 5"),
    (["--max-leap", "-3"], "max leap (semitones) must be in 0..127"),
    (["--instruments", "52,52,52,32,1"], "5 instruments for 4 voice(s)"),
    (["--voices", "2", "--instruments", "52,52,32"], "3 instruments for 2 voice(s)"),
    (["--formats", "mid,mp3"], "unknown format(s) 'mp3'"),
    (["--out", "a-file"], "cannot write into a-file: it is a file, not a folder"),
    (["--out", "a-file/pieces"], "cannot write into a-file/pieces: a-file is a file, not a folder"),
]


@pytest.mark.parametrize(("args", "message"), BAD, ids=[" ".join(a) for a, _ in BAD])
def test_each_bad_setting_is_one_line_and_nothing_is_written(checkpoint, tmp_path, args, message):
    (tmp_path / "a-file").write_text("not a folder")
    r = run("compose", "--model", str(checkpoint), "--bars", "2", *args, cwd=tmp_path)
    lines = r.stderr.splitlines()
    assert r.returncode == 2 and r.stdout == "" and len(lines) == 1 and lines[0].startswith("error: "), r.stderr
    assert message in lines[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]  # no out/, no half piece


def broken(checkpoint, tmp_path, weights=None, **config):
    """A copy of the checkpoint with other weights bytes or model config fields."""
    import shutil

    folder = tmp_path / "broken"
    shutil.copytree(checkpoint, folder)
    if weights is not None:
        (folder / "model.safetensors").write_bytes(weights)
    c = json.loads((folder / "config.json").read_text())
    c["model"]["config"].update(config)
    (folder / "config.json").write_text(json.dumps(c))
    return folder


@pytest.mark.parametrize(("change", "message"), [
    ({"weights": b"\x00" * 100}, "model.safetensors is not a safetensors file"),
    ({"weights": b"\x80\x04\x95 a pickle"}, "model.safetensors is not a safetensors file"),
    ({"n_layer": 100000}, "n_layer must be in 1..256, got 100000"),
    ({"hidden": 0}, "hidden must be in"),
])
def test_a_broken_model_folder_is_one_line(checkpoint, tmp_path, change, message):
    folder = broken(checkpoint, tmp_path, **change)
    r = run("compose", "--model", str(folder), "-o", str(tmp_path / "out"))
    assert r.returncode == 2 and "Traceback" not in r.stderr and message in r.stderr, r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and not (tmp_path / "out").exists()


def test_continue_checks_its_settings_before_reading_the_primer(checkpoint, tmp_path):
    r = run("continue", "no-such-primer.mid", "--model", str(checkpoint), "--temperature", "nan", cwd=tmp_path)
    assert r.returncode == 2 and "temperature must be a finite number" in r.stderr
    assert list(tmp_path.iterdir()) == []
