"""Chord symbols travel with the score: validated, kept by JSON, moved by transposition and slicing, and written
into the MusicXML as <harmony> above the top staff, the root spelled by the key."""

import re

import pytest

from tunesmith.errors import ScoreError
from tunesmith.io import write
from tunesmith.io.json import from_dict, to_dict
from tunesmith.score import ChordSymbol, KeySignature, Score, Track, note_array, slice_bars, transpose

CHORDS = (ChordSymbol(0, 5, "maj"), ChordSymbol(960, 10, "maj"), ChordSymbol(1920, 0, "7"))


def lead_sheet():
    melody = Track(note_array([(65, 0, 960), (70, 960, 960), (67, 1920, 1920), (65, 3840, 1920)]))
    bass = Track(note_array([(41, 0, 960), (46, 960, 960), (48, 1920, 1920), (41, 3840, 1920)]))
    return Score(tracks=(melody, bass), key_signatures=(KeySignature(0, 5, "major"),), chords=CHORDS)


def test_json_keeps_them_and_absurd_ones_are_refused():
    assert from_dict(to_dict(lead_sheet())).chords == CHORDS
    with pytest.raises(ScoreError, match="chord symbol"):
        Score(chords=(ChordSymbol(0, 12, "maj"),)).validate()
    with pytest.raises(ScoreError, match="chord symbol"):
        Score(chords=(ChordSymbol(0, 0, "polka"),)).validate()


def test_transposing_and_slicing_move_them():
    assert [c.root for c in transpose(lead_sheet(), 2).score.chords] == [7, 0, 2]
    assert slice_bars(lead_sheet(), 1, 2).chords == (ChordSymbol(0, 0, "7"),)  # the chord sounding at the cut


def test_musicxml_writes_harmony_over_the_top_part_only(tmp_path):
    write(lead_sheet(), tmp_path / "s.musicxml")
    xml = (tmp_path / "s.musicxml").read_text()
    harmony = re.findall(r"<harmony.*?</harmony>", xml, re.S)
    assert len(harmony) == 3
    assert re.findall(r"<root-step>(\w)</root-step>", xml) == ["F", "B", "C"]
    assert "<root-alter>-1</root-alter>" in harmony[1]  # B flat in F major, not A sharp
    assert re.findall(r"<kind>(.*?)</kind>", xml) == ["major", "major", "dominant"]
    first_part = xml.split('<part id="P2"')[0]
    assert first_part.count("<harmony") == 3
