"""The motif memory: a motif read from a file, found across the prepared corpora, its developments, the motifs a
piece returns to; and one-line errors for bad input."""

import subprocess
import sys

import numpy as np
import pytest

from tunesmith.assistant.motifs import find, motif_job, motif_of, recurring, report_text
from tunesmith.errors import ScoreError
from tunesmith.evaluation.originality import build_index
from tunesmith.io import write
from tunesmith.score import Score, TimeSignature, Track, note_array

Q = 480


def line(pitches, lengths):
    starts = np.r_[0, np.cumsum(lengths)[:-1]]
    return Score(tracks=(Track(note_array(zip(pitches, starts, lengths))),), time_signatures=(TimeSignature(0, 4, 4),))


MOTIF = line([67, 69, 71, 67], [Q // 2, Q // 2, Q, Q])
# the motif at two pitches, with other notes around it
PIECE = line([60, 64, 67, 69, 71, 67, 65, 62, 64, 66, 62, 72, 74, 72],
             [Q, Q, Q // 2, Q // 2, Q, Q, Q, Q // 2, Q // 2, Q, Q, Q, Q, 2 * Q])


def test_a_motif_is_its_melody_from_its_first_note():
    m = motif_of(MOTIF.replace(tracks=(MOTIF.tracks[0].replace(notes=_shifted(MOTIF, Q)),)))
    assert len(m) == 4 and m.notes["start"][0] == 0 and m.first_units == 6 and len(m.tokens) == 3
    with pytest.raises(ScoreError, match="at least 3"):
        motif_of(line([60, 62], [Q, Q]), "two.mid")
    with pytest.raises(ScoreError, match="at most"):
        motif_of(line(list(range(50, 90)), [Q] * 40))


def _shifted(score, ticks):
    n = score.tracks[0].notes.copy()
    n["start"] += ticks
    return n


def test_found_where_it_is_transposed_or_not():
    index = build_index([("c/piece", PIECE), ("c/other", line([60, 62, 64, 65, 67], [Q] * 5))])
    hits = find(motif_of(MOTIF), index, resolve=lambda pid: PIECE if pid == "c/piece" else None)
    assert hits.occurrences == 2 and hits.pieces == 1 and hits.per_corpus == {"c": 2}
    assert [(p["note"], p["bar"], p["beat"], p["transposed"]) for p in hits.places] == [(2, 1, 3, 0), (7, 2, 3, -5)]


def test_recurring_motifs_of_a_piece():
    tune = line([60, 62, 64, 60, 67, 60, 62, 64, 60, 65, 64, 62, 60], [Q] * 13)
    found = recurring(tune, min_notes=4)
    assert found[0]["notes"] == 4 and found[0]["at"] == [0, 5] and found[0]["count"] == 2  # C D E C, twice
    assert all(m["notes"] >= 4 for m in found)


def test_the_job_over_a_prepared_corpus(fake_chorales, tmp_path):
    pid, (_, score) = next(iter(fake_chorales.items()))
    notes = score.tracks[0].notes[5:10]
    path = tmp_path / "motif.mid"
    write(Score(tracks=(Track(notes),)), path)
    report = motif_job(path, out=tmp_path / "dev")
    assert report.hits["occurrences"] >= 1 and any(p["piece"] == pid and p["note"] == 5
                                                   for p in report.hits["places"])
    assert [d["name"] for d in report.developments][:2] == ["sequence", "inversion"]
    assert (tmp_path / "dev" / "motif-retrograde.mid").is_file()
    assert "developments:" in report_text(report) and report.index_pieces == 3
    mine = motif_job(path, pieces=[("library/mine", score)])
    assert mine.hits["occurrences"] == report.hits["occurrences"] + 1


@pytest.mark.parametrize("notes, message", [([], "holds no notes"), ([(60, 0, Q), (62, Q, Q)], "at least 3")])
def test_bad_motifs_get_one_line(tmp_path, notes, message, capsys):
    from tunesmith.cli import main

    path = tmp_path / "m.json"
    write(Score(tracks=(Track(note_array(notes)),)), path)
    assert main(["motif", str(path)]) == 2
    assert main(["compose", "--motif", str(path), "-o", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and all(message in e for e in err) and not (tmp_path / "out").exists()


def test_the_command_runs(fake_chorales, tmp_path):
    pid, (_, score) = next(iter(fake_chorales.items()))
    path = tmp_path / "motif.mid"
    write(Score(tracks=(Track(score.tracks[0].notes[3:8]),)), path)
    r = subprocess.run([sys.executable, "-m", "tunesmith", "motif", str(path)], capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, r.stderr
    assert pid in r.stdout and "developments:" in r.stdout
