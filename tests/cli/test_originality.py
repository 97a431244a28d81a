"""`tunesmith originality` end to end: the shipped index without any corpus cache, a prepared corpus split,
and bad files in a batch."""

import json
import subprocess
import sys

import pytest

from tunesmith.data.corpora import music21_corpus_root
from tunesmith.io import read, write_midi
from tunesmith.score import Score, Track, note_array, transpose

CHORALE = music21_corpus_root() / "bach" / "bwv269.mxl"  # in the train split of the shipped index


def run(*args):
    return subprocess.run([sys.executable, "-m", "tunesmith", "originality", *args], capture_output=True,
                          text=True, timeout=120)


@pytest.mark.skipif(not CHORALE.is_file(), reason="music21's corpus holds no bwv269")
def test_a_transposed_training_chorale_is_found_whole_by_the_shipped_index(tmp_path):
    write_midi(transpose(read(CHORALE), -3).score, tmp_path / "copy.mid")
    r = run(str(tmp_path / "copy.mid"), "--json")  # the session's cache is empty: the shipped index alone
    assert r.returncode == 0, r.stderr
    [row] = json.loads(r.stdout)
    assert row["index"] == "chorales:train" and row["index_pieces"] > 250
    assert row["longest_match_piece"] == "chorales/bwv269" and row["ngram_overlap"] == 1.0
    assert row["longest_shared_run"] == row["melody_notes"] > 50


def test_corpus_split_and_words(fake_chorales, tmp_path):
    split, score = fake_chorales["chorales/fake2"]
    write_midi(score, tmp_path / "valid.mid")
    r = run(str(tmp_path / "valid.mid"), "--corpus", "chorales:valid")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == [
        "index: chorales:valid (1 piece)",
        f"{tmp_path / 'valid.mid'}: longest shared run 30 of 30 notes (chorales/fake2); 8-gram overlap 1.000"]
    r = run(str(tmp_path / "valid.mid"), "--corpus", "chorales", "--json")  # the train split by default
    [row] = json.loads(r.stdout)
    assert row["index"] == "chorales:train" and row["index_pieces"] == 2 and row["longest_shared_run"] < 30


def test_a_batch_reports_each_bad_file_and_exits_2(tmp_path):
    write_midi(Score(tracks=(Track(note_array([(60 + i % 5, 480 * i, 480) for i in range(12)])),)),
               tmp_path / "good.mid")
    (tmp_path / "bad.mid").write_bytes(b"MThd not really")
    files = [str(tmp_path / f) for f in ("good.mid", "bad.mid", "missing.mid")]
    r = run(*files)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert r.stdout.count("good.mid: longest shared run") == 1
    assert r.stderr.count("error: ") == 2 and "missing.mid: no such file" in r.stderr
    rows = json.loads(run(*files, "--json").stdout)
    assert [("error" in row) for row in rows] == [False, True, True]


def test_bad_options_are_clear_errors(tmp_path):
    write_midi(Score(tracks=(Track(note_array([(60, 0, 480), (62, 480, 480)])),)), tmp_path / "a.mid")
    for args, text in ((["--n", "3"], "--n must be at least 4"), (["--model", "nonexistent"], "no model"),
                       (["--corpus", "folk"], "not prepared"), (["--corpus", "chorales:dev"], "unknown split")):
        r = run(str(tmp_path / "a.mid"), *args)
        assert r.returncode == 2 and text in r.stderr and "Traceback" not in r.stderr, (args, r.stderr)
