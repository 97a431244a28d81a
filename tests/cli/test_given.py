"""`tunesmith harmonize | infill | accompany | restyle` end to end on debug-size checkpoints: the files, the
melody kept note for note, and bad input as one line (never a traceback) with nothing written. With the
shipped harmonizer, a folk tune of music21's corpus (ABC) harmonized keeps its melody as the soprano."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from tunesmith.data.leadsheet import vocabulary
from tunesmith.generation.given_jobs import HARMONIZER
from tunesmith.io import read, write
from tunesmith.models import build_model
from tunesmith.models.checkpoint import save
from tunesmith.representation import get_tokenizer
from tunesmith.score import KeySignature, Score, TimeSignature, Track, note_array

SHIPPED = Path(__file__).resolve().parents[2] / "tunesmith" / "shipped"
MELODY = [(67, 0, 480), (69, 480, 480), (71, 960, 480), (72, 1440, 480), (74, 1920, 960), (71, 2880, 960),
          (72, 3840, 480), (71, 4320, 480), (69, 4800, 480), (66, 5280, 480), (67, 5760, 1920)]


def checkpoint(folder, voices, spq=4, chords=False):
    tok = get_tokenizer("voicegrid", voices=voices, steps_per_quarter=spq)
    vocab = vocabulary(tok) if chords else [*tok.vocab.names, "Mask"]
    torch.manual_seed(0)
    model = build_model("seq2seq", size="debug", vocab_size=len(vocab))
    save(folder, model, {"model": {"name": "seq2seq", "config": model.config_dict()}, "tokenizer": tok.to_dict(),
                         "vocab": vocab})
    return str(folder)


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    root = tmp_path_factory.mktemp("ckpt")
    return {"harmonizer": checkpoint(root / "h", 4), "folk": checkpoint(root / "f", 1),
            "accompanist": checkpoint(root / "a", 1, 2, chords=True)}


@pytest.fixture(scope="module")
def melody(tmp_path_factory):
    path = tmp_path_factory.mktemp("in") / "tune.mid"
    write(Score(tracks=(Track(note_array(MELODY)),), time_signatures=(TimeSignature(0, 4, 4),),
                key_signatures=(KeySignature(0, 7, "major"),)), path)
    return path


def run(*args):
    return subprocess.run([sys.executable, "-m", "tunesmith", *args], capture_output=True, text=True, timeout=300)


def one_line_error(r, message):
    assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], r.stderr


def test_harmonize_writes_six_files_with_the_melody_as_soprano(models, melody, tmp_path):
    r = run("harmonize", str(melody), "--model", models["harmonizer"], "-o", str(tmp_path), "--seed", "2")
    assert r.returncode == 0, r.stderr
    for ext in ("mid", "wav", "png", "musicxml", "svg", "json"):
        assert (tmp_path / f"tune-harmonized-2.{ext}").stat().st_size > 0
    score = read(tmp_path / "tune-harmonized-2.mid")
    assert len(score.tracks) == 4
    assert score.tracks[0].notes[["pitch", "start", "duration"]].tolist() == [tuple(n) for n in MELODY]


def test_infill_accompany_and_restyle_write_their_files(models, melody, tmp_path):
    r = run("infill", str(melody), "--bars", "2", "--model", models["folk"], "-o", str(tmp_path), "--formats", "mid")
    assert r.returncode == 0, r.stderr
    report = json.loads((tmp_path / "tune-infilled-0.json").read_text())
    assert report["span"]["bars"] == [2, 2] and (tmp_path / "tune-infilled-0.mid").is_file()
    r = run("accompany", str(melody), "--model", models["accompanist"], "--style", "chorale", "-o", str(tmp_path),
            "--formats", "musicxml")
    assert r.returncode == 0, r.stderr
    assert "<harmony" in (tmp_path / "tune-accompanied-0.musicxml").read_text()
    r = run("restyle", str(melody), "--to", "bach", "--model", models["harmonizer"], "-o", str(tmp_path),
            "--formats", "mid")
    assert r.returncode == 0, r.stderr
    assert len(read(tmp_path / "tune-bach-0.mid").tracks) == 4 and "melody kept 100%" in r.stdout


@pytest.mark.parametrize(("args", "message"), [
    (["harmonize", "{empty}"], "no notes"),
    (["harmonize", "{missing}"], "no such file"),
    (["infill", "{melody}", "--bars", "9-12"], "lie outside the piece"),
    (["infill", "{melody}", "--bars", "1", "--voices", "viola"], "unknown voice 'viola'"),
    (["accompany", "{melody}", "--style", "polka"], "unknown style 'polka'"),
    (["accompany", "{melody}", "--votes", "0"], "votes must be 1 to 256"),
    (["restyle", "{melody}", "--to", "polka"], "unknown style 'polka'"),
    (["harmonize", "{melody}", "--temperature", "0"], "temperature must be in"),
])
def test_bad_input_is_one_line_and_writes_nothing(models, melody, tmp_path, args, message):
    empty = tmp_path / "empty.json"
    write(Score(), empty)
    model = {"harmonize": "harmonizer", "infill": "folk", "accompany": "accompanist", "restyle": "harmonizer"}
    paths = {"{empty}": str(empty), "{missing}": str(tmp_path / "nope.mid"), "{melody}": str(melody)}
    args = [paths.get(a, a) for a in args]
    r = run(*args, "--model", models[model[args[0]]], "-o", str(tmp_path / "out"))
    one_line_error(r, message)
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


@pytest.mark.skipif(not (SHIPPED / HARMONIZER / "config.json").is_file(), reason="no shipped harmonizer")
def test_a_folk_tune_of_the_built_in_corpus_keeps_its_melody_as_the_soprano(tmp_path):
    from tunesmith.data.corpora import music21_corpus_root, split_abc
    from tunesmith.generation.given import one_line

    tune = split_abc((music21_corpus_root() / "oneills1850" / "0001-0050.abc").read_text())[2]
    (tmp_path / "tune.abc").write_text(tune)
    r = run("harmonize", str(tmp_path / "tune.abc"), "-o", str(tmp_path), "--formats", "mid,musicxml")
    assert r.returncode == 0, r.stderr
    line, _ = one_line(read(tmp_path / "tune.abc"))
    soprano = read(tmp_path / "tune-harmonized-0.mid").tracks[0].notes
    shift = int(soprano["pitch"][0]) - int(line.notes["pitch"][0])  # whole octaves, if the tune lay too high
    assert shift % 12 == 0
    assert soprano[["start", "duration"]].tolist() == line.notes[["start", "duration"]].tolist()
    assert (soprano["pitch"] - shift).tolist() == line.notes["pitch"].tolist()
