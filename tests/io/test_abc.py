"""ABC through abc2midi: tunes read as notated and played as written (repeats expanded), music21 as fallback."""

import os

import pytest

from tunesmith.errors import ScoreError
from tunesmith.io import read_abc
from tunesmith.io.abc import from_abc, notated, parse_abc
from tunesmith.score import TPQ, KeySignature, Tempo, TimeSignature

pytestmark = pytest.mark.filterwarnings("ignore")  # music21, in the fallback, warns freely on odd input

E = TPQ // 2  # an eighth note, the unit of the tunes below (L:1/8)
TUNE = """X:1
T:Little tune
T:Second title
C:Trad.
M:3/4
L:1/8
Q:1/4=96
K:G
GA B2 d2|e2 d2 B2|G6|]
"""


def tune(body: str, head: str = "M:2/4\nL:1/8\nK:C") -> str:
    return f"X:1\nT:t\n{head}\n{body}\n"


def notes(score, track: int = 0) -> list[tuple[int, int, int]]:
    """(pitch, start, duration) of one track's notes."""
    return [(int(n["pitch"]), int(n["start"]), int(n["duration"])) for n in score.tracks[track].notes]


def pitches(score) -> list[int]:
    return [int(n["pitch"]) for n in score.tracks[0].notes]


def test_a_small_tune_reads_as_notated(tmp_path):
    path = tmp_path / "tune.abc"
    path.write_text(TUNE)
    s = read_abc(path)
    durations = [E, E] + [2 * E] * 5 + [6 * E]
    starts = [sum(durations[:i]) for i in range(len(durations))]
    expected = [67, 69, 71, 74, 76, 74, 71, 67]
    assert notes(s) == list(zip(expected, starts, durations, strict=True))
    assert {int(v) for v in s.tracks[0].notes["velocity"]} == {80} and len(s.tracks) == 1
    assert s.time_signatures == (TimeSignature(0, 3, 4),)
    assert s.key_signatures == (KeySignature(0, 7, "major"),)
    assert s.tempos == (Tempo(0, 96.0),)
    assert (s.metadata.title, s.metadata.composer, s.metadata.source) == ("Little tune", "Trad.", str(path))


def test_a_pickup_is_padded_onto_the_bar_grid():
    s = from_abc(tune("GA|B2 d2 e2|d6|]", "M:3/4\nL:1/8\nK:G"))
    assert notes(s)[:3] == [(67, 4 * E, E), (69, 5 * E, E), (71, 6 * E, 2 * E)]  # bar 2 starts at 3 quarters
    assert s.bar_starts().tolist() == [0, 3 * TPQ, 6 * TPQ]


def test_free_meter_has_no_pickup():
    s = from_abc(tune("GA|B2 d2 e2|d6|]", "M:none\nL:1/8\nK:G"))
    assert notes(s)[0] == (67, 0, E)


def test_repeats_endings_and_parts_are_played():
    assert pitches(from_abc(tune("|:CD:|EF|]"))) == [60, 62, 60, 62, 64, 65]
    assert pitches(from_abc(tune("|:C|1D:|2E|]"))) == [60, 62, 60, 64]
    # the second section has no start repeat: it repeats on its own, as folk tunes are played
    assert pitches(from_abc(tune("CD:|EF:|"))) == [60, 62, 60, 62, 64, 65, 64, 65]
    assert pitches(from_abc(tune("P:A\nCD|\nP:B\nEF|", "M:2/4\nL:1/8\nP:BAB\nK:C"))) == [64, 65, 60, 62, 64, 65]


def test_an_accidental_holds_to_the_bar_line():
    assert pitches(from_abc(tune("^F F _B B|F B"))) == [66, 66, 70, 70, 65, 71]


def test_ties_triplets_and_broken_rhythms():
    s = from_abc(tune("C>D E<F|(3CDE F2|C2-C2|"))
    assert [(p, d) for p, _, d in notes(s)] == [
        (60, 3 * E // 2), (62, E // 2), (64, E // 2), (65, 3 * E // 2),
        (60, 2 * E // 3), (62, 2 * E // 3), (64, 2 * E // 3), (65, 2 * E), (60, 4 * E)]


def test_a_tie_between_two_pitches_keeps_both():
    assert [(p, d) for p, _, d in notes(from_abc(tune("c-A B2|")))] == [(72, E), (69, E), (71, 2 * E)]


@pytest.mark.parametrize("body", ['"Am"C2 "G7"D2|', "{d}C2 {ef}D2|", "~C2 TD2|", "RC2 .D2|", "HC2 D2|",
                                  "!trill!C2 !breath!D2|", "C2 !fermata!D2|", "!p!C2 !ff!D2|"])
def test_chords_graces_and_ornaments_leave_the_notated_melody(body):
    # abc2midi would play these as accompaniment, extra notes, longer or shorter notes, or louder ones
    s = from_abc(tune(body, "M:2/4\nL:1/8\nR:reel\nK:C"))
    assert len(s.tracks) == 1 and notes(s) == [(60, 0, 2 * E), (62, 2 * E, 2 * E)]
    assert {int(v) for v in s.tracks[0].notes["velocity"]} == {80}


def test_hornpipes_are_not_swung():
    s = from_abc(tune("CDEF GABc|", "M:4/4\nL:1/8\nR:hornpipe\nK:C"))
    assert [d for _, _, d in notes(s)] == [E] * 8


def test_chord_notes_sound_together():
    assert notes(from_abc(tune("[CEG]2 z2|"))) == [(60, 0, 2 * E), (64, 0, 2 * E), (67, 0, 2 * E)]


def test_each_voice_is_a_track():
    s = from_abc(tune("V:1\nc2 d2|\nV:2\nC4|"))
    assert [notes(s, i) for i in range(2)] == [[(72, 0, 2 * E), (74, 2 * E, 2 * E)], [(60, 0, 4 * E)]]


def test_markings_are_taken_out_of_music_lines_only():
    text = 'X:1\nT:A. Tune ~R\nR:hornpipe\nK:C\n~A .B Tc Rd "T.~"e [T:x.R] !trill!f !p!g % T.\n'
    assert notated(text) == 'X:1\n%%MIDI chordattack 0\nT:A. Tune ~R\nK:C\nA B c d "T.~"e [T:x.R] f !p!g % T.\n'


def test_with_several_tunes_the_first_is_read(tmp_path):
    path = tmp_path / "two.abc"
    path.write_text(TUNE + "\n" + TUNE.replace("X:1", "X:2").replace("Little tune", "Second"))
    assert read_abc(path).metadata.title == "Little tune"


def test_without_a_title_a_tune_is_named_after_the_file(tmp_path):
    path = tmp_path / "untitled.abc"
    path.write_text(TUNE.replace("T:Little tune\nT:Second title\n", ""))
    assert read_abc(path).metadata.title == "untitled"


def test_music21_reads_what_abc2midi_cannot():
    # abc2midi reads nothing without an X: line; music21 does, and the reason is kept for the dataset card
    score, why = parse_abc("T:No number\nM:2/4\nL:1/8\nK:C\nCDEF|\n")
    assert pitches(score) == [60, 62, 64, 65] and score.metadata.title == "No number"
    assert "abc2midi" in why and "X:" in why
    assert parse_abc(TUNE)[1] == ""


@pytest.mark.parametrize("text", ["", "hello there\n", os.urandom(2000).decode("latin-1"),
                                  "X:1\nK:C\n" + "C" * 200_000 + "\n", "X:1\nK:C\nC99999999|\n"])
def test_garbage_is_a_score_error_from_abc2midi(text):
    with pytest.raises(ScoreError, match="abc2midi"):
        from_abc(text)


@pytest.mark.parametrize("name, data", [
    ("empty.abc", b""),
    ("noise.abc", os.urandom(300)),
    ("prose.abc", b"hello there\nthis is not abc\n"),
    ("silent.abc", b"X:1\nT:Nothing\nM:4/4\nK:C\n"),
])
def test_bad_files_are_score_errors(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(ScoreError, match=name.replace(".", r"\.")):
        read_abc(path)
