"""`read` / `write` dispatch on the suffix, `read_many` skips bad files, and the CLI stays thin and light."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

import tunesmith
from tunesmith.errors import ScoreError
from tunesmith.io import READERS, WRITERS, Failure, find_scores, read, read_many, write
from tunesmith.score import Metadata, Score, Track, note_array

REPO = Path(__file__).resolve().parents[2]
SIMPLE = Score(tracks=(Track(note_array([(60, 0, 480), (64, 480, 480), (67, 960, 960)]), name="p"),))


def music(score: Score) -> Score:
    return score.replace(metadata=Metadata())


@pytest.mark.parametrize("suffix", [".mid", ".midi", ".json", ".MID"])
def test_write_then_read_by_suffix(rich_score, tmp_path, suffix):
    path = tmp_path / f"song{suffix}"
    assert write(rich_score, path) == path
    assert music(read(path)) == music(rich_score)


def test_musicxml_by_suffix(tmp_path):
    write(SIMPLE, tmp_path / "s.musicxml")
    assert read(tmp_path / "s.musicxml").tracks[0].notes.tolist() == SIMPLE.tracks[0].notes.tolist()


def test_every_writer_has_a_reader():
    assert set(WRITERS) <= set(READERS)


def test_unknown_suffix_on_read_lists_the_supported_ones(tmp_path):
    path = tmp_path / "song.wav"
    path.write_bytes(b"RIFF")
    with pytest.raises(ScoreError, match="song.wav.*unknown suffix; supported: .abc, .json, .mid"):
        read(path)


def test_unknown_suffix_on_write_lists_the_supported_ones(tmp_path):
    with pytest.raises(ScoreError, match=r"unknown suffix; supported: .json, .mid, .midi, .musicxml, .xml"):
        write(SIMPLE, tmp_path / "song.mp3")
    with pytest.raises(ScoreError, match="unknown suffix"):
        write(SIMPLE, tmp_path / "no_suffix")
    assert list(tmp_path.iterdir()) == []


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(ScoreError, match="no such file"):
        read(tmp_path / "missing.mid")
    (tmp_path / "folder.mid").mkdir()
    with pytest.raises(ScoreError, match="no such file"):
        read(tmp_path / "folder.mid")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file(tmp_path):
    path = tmp_path / "locked.mid"
    write(SIMPLE, path)
    path.chmod(0)
    with pytest.raises(ScoreError, match="locked.mid: cannot read"):
        read(path)


def test_an_os_error_while_reading_is_a_score_error(tmp_path, monkeypatch):
    # what a permission error looks like where the test cannot make one (running as root)
    def refuse(path):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setitem(READERS, ".mid", refuse)
    write(SIMPLE, tmp_path / "locked.mid")
    with pytest.raises(ScoreError, match="locked.mid: cannot read .Permission denied"):
        read(tmp_path / "locked.mid")
    assert list(read_many([tmp_path / "locked.mid"])) == []


def test_top_level_read_and_write_are_the_dispatchers():
    assert tunesmith.read is read and tunesmith.write is write


def make_folder(folder: Path) -> dict[str, str]:
    """Good and bad files under `folder`; returns {bad file name: a word its reason must hold}."""
    (folder / "sub").mkdir(parents=True)
    write(SIMPLE, folder / "good.mid")
    write(SIMPLE, folder / "sub" / "good.json")
    (folder / "sub" / "tune.abc").write_text("X:1\nT:t\nM:2/4\nL:1/8\nK:D\nDF AF|d4|]\n")
    (folder / "empty.mid").write_bytes(b"")
    (folder / "noise.mid").write_bytes(os.urandom(200))
    (folder / "half.mid").write_bytes((folder / "good.mid").read_bytes()[:30])
    (folder / "bad.json").write_text("{")
    (folder / "notes.txt").write_text("not a score, and not looked at")
    return {"empty.mid": "empty file", "noise.mid": "not a readable MIDI", "half.mid": "not a readable MIDI",
            "bad.json": "not valid JSON"}


@pytest.mark.filterwarnings("ignore")
def test_read_many_yields_the_good_and_reports_each_bad_one(tmp_path, caplog):
    bad = make_folder(tmp_path)
    paths = find_scores(tmp_path)
    assert "notes.txt" not in [p.name for p in paths] and len(paths) == 7
    failures: list[Failure] = []
    good = dict(read_many(paths, failures))
    assert sorted(p.name for p in good) == ["good.json", "good.mid", "tune.abc"]
    assert all(isinstance(s, Score) and s.note_count for s in good.values())
    assert {f.path.name: f.reason for f in failures}.keys() == bad.keys()
    for f in failures:
        assert bad[f.path.name] in f.reason and f.path.name in f.reason
    assert sum("skipped" in r.message for r in caplog.records) == len(bad)


def test_read_many_without_a_failure_list_still_skips(tmp_path):
    write(SIMPLE, tmp_path / "good.mid")
    (tmp_path / "bad.mid").write_bytes(b"MThd")
    assert [p.name for p, _ in read_many([tmp_path / "bad.mid", tmp_path / "good.mid"])] == ["good.mid"]


# the CLI, in a fresh interpreter

def run_cli(*args) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "tunesmith", *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, cwd=REPO, timeout=120)


def test_cli_info_on_a_good_file_prints_tracks_and_notes(rich_score, tmp_path):
    write(rich_score, tmp_path / "rich.mid")
    out = run_cli("info", tmp_path / "rich.mid")
    assert out.returncode == 0, out.stderr
    assert "tracks" in out.stdout and "Violin" in out.stdout and "notes" in out.stdout
    assert str(rich_score.note_count) in out.stdout


def test_cli_info_on_a_bad_file_prints_an_error_and_exits_2(tmp_path):
    (tmp_path / "noise.mid").write_bytes(os.urandom(100))
    write(SIMPLE, tmp_path / "good.mid")
    out = run_cli("info", tmp_path / "noise.mid", tmp_path / "good.mid")
    assert out.returncode == 2
    assert "error: " in out.stderr and "noise.mid" in out.stderr  # errors on stderr, the summaries on stdout
    assert "error" not in out.stdout and "notes" in out.stdout
    assert "Traceback" not in out.stdout + out.stderr


def test_cli_info_on_an_unknown_suffix_exits_2_without_traceback(tmp_path):
    (tmp_path / "song.wav").write_bytes(b"RIFF")
    out = run_cli("info", tmp_path / "song.wav")
    assert out.returncode == 2 and "unknown suffix" in out.stdout + out.stderr
    assert "Traceback" not in out.stdout + out.stderr


def test_building_the_cli_parser_imports_no_heavy_library():
    code = ("import sys\nfrom tunesmith.cli import build_parser\nbuild_parser()\n"
            "print(' '.join(m for m in ('torch', 'music21', 'matplotlib', 'fastapi') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == ""
