import xml.etree.ElementTree as ET

import pytest

from tunesmith.errors import ScoreError
from tunesmith.render import notation
from tunesmith.render.notation import readable, write_svg
from tunesmith.score import Score, Track, note_array


def _notes(svg_path) -> int:
    root = ET.parse(svg_path).getroot()  # raises if verovio wrote bad XML
    return sum(1 for el in root.iter() if el.get("class") == "note")


def test_svg_parses_and_holds_every_note(two_bars, tmp_path):
    path = write_svg(two_bars, tmp_path / "two.svg")
    assert path == tmp_path / "two.svg"
    assert _notes(path) == two_bars.note_count
    text = path.read_text()
    assert 'class="note"' in text and "Music21 Fragment" not in text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["two.svg"]


def test_long_scores_continue_on_numbered_pages(monkeypatch, tmp_path):
    notes = note_array([(60 + i % 12, i * 480, 480) for i in range(4 * 24)])  # 24 bars of quarters
    score = Score(tracks=(Track(notes, name="line"),))
    monkeypatch.setattr(notation, "VEROVIO_OPTIONS", {**notation.VEROVIO_OPTIONS, "pageHeight": 1000})
    write_svg(score, tmp_path / "long.svg")
    pages = sorted(p.name for p in tmp_path.glob("long*.svg"))
    assert len(pages) > 1 and "long-2.svg" in pages
    assert sum(_notes(tmp_path / p) for p in pages) == len(notes)
    # the same name rendered again on one page leaves no stale page 2 behind
    monkeypatch.undo()
    notation.engrave(notation.musicxml_text(score), tmp_path / "long.svg")
    assert sorted(p.name for p in tmp_path.glob("long*.svg")) == ["long.svg"]


def test_readable_snaps_played_timing_and_keeps_written_triplets():
    played = Score(tracks=(Track(note_array([(60, 7, 233), (62, 251, 470)])),))
    snapped = readable(played).tracks[0].notes
    assert snapped["start"].tolist() == [0, 240] and snapped["duration"].tolist() == [240, 480]
    triplets = Score(tracks=(Track(note_array([(60, i * 160, 160) for i in range(3)])),))
    assert readable(triplets) is triplets


def test_empty_score_is_refused(tmp_path):
    with pytest.raises(ScoreError, match="no notes"):
        write_svg(Score(), tmp_path / "x.svg")
