"""MusicXML through music21: notes survive a round trip, ties merge, bad files fail clearly; the ABC fallback."""

import os

import pytest

from tunesmith.errors import ScoreError
from tunesmith.io import read_musicxml, write_musicxml
from tunesmith.io.music21 import from_abc_music21
from tunesmith.score import TPQ, KeySignature, Metadata, Score, Tempo, TimeSignature, Track, note_array

pytestmark = pytest.mark.filterwarnings("ignore")  # music21 warns freely on odd input

def pitches_starts_durations(track):
    return [(int(n["pitch"]), int(n["start"]), int(n["duration"])) for n in track.notes]


@pytest.fixture
def quantized():
    """Two parts on an eighth-note grid, one bar of 4/4 plus one, D major."""
    return Score(
        tracks=(
            Track(note_array([(74, 0, TPQ), (76, TPQ, TPQ // 2), (78, 3 * TPQ // 2, TPQ // 2),
                              (79, 2 * TPQ, 2 * TPQ), (81, 4 * TPQ, 4 * TPQ)]), program=40, name="Violin"),
            Track(note_array([(50, 0, 4 * TPQ), (45, 4 * TPQ, 2 * TPQ), (50, 6 * TPQ, 2 * TPQ)]),
                  program=32, name="Bass"),
        ),
        tempos=(Tempo(0, 96.0),),
        time_signatures=(TimeSignature(0, 4, 4),),
        key_signatures=(KeySignature(0, 2, "major"),),
        metadata=Metadata(title="Tiny", composer="Someone"),
    )


def test_musicxml_write_then_read_keeps_the_notes(quantized, tmp_path):
    path = tmp_path / "tiny.musicxml"
    write_musicxml(quantized, path)
    back = read_musicxml(path)
    assert [pitches_starts_durations(t) for t in back.tracks] == [
        pitches_starts_durations(t) for t in quantized.tracks]
    assert back.tempos == quantized.tempos
    assert back.time_signatures == quantized.time_signatures
    assert back.key_signatures == quantized.key_signatures
    md = back.metadata
    assert (md.title, md.composer, md.source) == ("Tiny", "Someone", str(path))
    assert [p.name for p in tmp_path.iterdir()] == ["tiny.musicxml"]


def test_musicxml_keeps_programs_and_part_names(quantized, tmp_path):
    # music21 reads a MIDI track named "Bass" as a bass voice (program 53); the writer must not let it
    write_musicxml(quantized, tmp_path / "tiny.xml")
    back = read_musicxml(tmp_path / "tiny.xml")
    assert [(t.program, t.name) for t in back.tracks] == [(40, "Violin"), (32, "Bass")]


def test_musicxml_keeps_a_pickup_on_the_bar_grid(tmp_path):
    # a one-quarter pickup in 3/4: notes keep their ticks, and bar 2 starts at 3 quarters
    s = Score(tracks=(Track(note_array([(67, 2 * TPQ, TPQ), (72, 3 * TPQ, 3 * TPQ)])),),
              time_signatures=(TimeSignature(0, 3, 4),))
    write_musicxml(s, tmp_path / "pickup.musicxml")
    back = read_musicxml(tmp_path / "pickup.musicxml")
    assert pitches_starts_durations(back.tracks[0]) == pitches_starts_durations(s.tracks[0])


def test_tied_notes_and_chords_read_back_as_one_note(tmp_path):
    # notes and a chord crossing the bar line are written as tied notes; reading merges each tie chain
    s = Score(tracks=(Track(note_array([(60, 0, 3 * TPQ), (72, 3 * TPQ, 6 * TPQ), (76, 3 * TPQ, 6 * TPQ),
                                        (79, 9 * TPQ, 7 * TPQ)])),))
    write_musicxml(s, tmp_path / "ties.musicxml")
    back = read_musicxml(tmp_path / "ties.musicxml")
    assert pitches_starts_durations(back.tracks[0]) == pitches_starts_durations(s.tracks[0])


def test_abc_fallback_expands_repeats():
    # what tunesmith.io.abc falls back on when abc2midi cannot read a tune: repeats played, as abc2midi does
    s = from_abc_music21("X:1\nT:Repeat\nM:2/4\nL:1/4\nK:C\n|:CD|EF:|GA|Bc|]\n")
    assert [int(n["pitch"]) for n in s.tracks[0].notes] == [60, 62, 64, 65, 60, 62, 64, 65, 67, 69, 71, 72]
    assert s.metadata.title == "Repeat"


@pytest.mark.parametrize("name, data", [
    ("empty.musicxml", b""),
    ("noise.musicxml", os.urandom(500)),
    ("noise.mxl", os.urandom(500)),
    ("html.xml", b"<html><body>hello</body></html>"),
    ("cut.musicxml", b'<?xml version="1.0"?><score-partwise version="4.0"><part-list><score-part id="P1">'),
])
def test_bad_files_are_score_errors(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(ScoreError, match=name.replace(".", r"\.")):
        read_musicxml(path)


def test_truncated_musicxml(quantized, tmp_path):
    write_musicxml(quantized, tmp_path / "whole.musicxml")
    data = (tmp_path / "whole.musicxml").read_bytes()
    (tmp_path / "half.musicxml").write_bytes(data[: len(data) // 2])
    with pytest.raises(ScoreError, match="half.musicxml: not a readable musicxml file"):
        read_musicxml(tmp_path / "half.musicxml")


def test_a_chorale_keeps_its_fermatas():
    from music21 import corpus

    from tunesmith.io.music21 import from_music21

    score = from_music21(corpus.parse("bach/bwv26.6"))
    assert [t / 480 for t in score.fermatas] == [3.0, 7.0, 14.0, 23.0, 31.0, 39.0]  # quarters, pickup padded
