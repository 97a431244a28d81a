import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tunesmith.errors import ConfigError
from tunesmith.score import KeySignature, TimeSignature
from tunesmith.theory.chords import (
    QUALITIES,
    Chord,
    chord_from_pitches,
    chordify,
    chords_per_beat,
    make_chord,
    parse_chord,
    roman,
)

from .scores import Q, melody, score_of

C_MAJOR, A_MINOR = KeySignature(0, 0, "major"), KeySignature(0, 9, "minor")


@pytest.mark.parametrize(
    ("pitches", "name"),
    [
        ([60, 64, 67], "C"),
        ([57, 64, 72], "Am"),
        ([59, 62, 65], "Bdim"),
        ([60, 64, 68], "Caug"),
        ([60, 62, 67], "Csus2"),
        ([60, 65, 67], "Csus4"),
        ([60, 64, 67, 71], "Cmaj7"),
        ([43, 59, 62, 65], "G7"),
        ([50, 65, 69, 72], "Dm7"),
        ([47, 62, 65, 69], "Bm7b5"),
        ([47, 62, 65, 68], "Bdim7"),
        ([48, 63, 67, 71], "CmMaj7"),
        ([60, 64, 67, 69], "C6"),
        ([57, 60, 64, 67], "Am7"),  # same pitch classes as C6: the bass decides
        ([60, 64, 67, 70, 74], "C9"),
        ([64, 67, 72], "C/E"),
        ([55, 64, 72], "C/G"),
        ([47, 55, 62, 65], "G7/B"),
        ([50, 55, 59, 65], "G7/D"),
        ([53, 55, 59, 62], "G7/F"),
        ([43, 59, 65], "G7"),  # fifth left out
        ([60, 76], "C"),  # a major third: C major without its fifth
        ([57, 72], "Am"),
        ([48, 55], "C5"),
        ([66, 70, 73], "F#"),
        ([58, 62, 65, 69], "Bbmaj7"),
    ],
)
def test_templates_and_inversions(pitches, name):
    chord = chord_from_pitches(pitches)
    assert chord is not None and chord.name == name
    assert chord.bass == min(pitches) % 12


@pytest.mark.parametrize(
    "pitches", [[], [60], [60, 72], [60, 61], [60, 61, 62], [60, 66], [60, 62, 64, 66, 68]]
)
def test_no_chord(pitches):
    assert chord_from_pitches(pitches) is None


def test_inversion_numbers():
    assert chord_from_pitches([60, 64, 67]).inversion == 0
    assert chord_from_pitches([64, 67, 72]).inversion == 1
    assert chord_from_pitches([67, 72, 76]).inversion == 2
    assert chord_from_pitches([53, 55, 59, 62]).inversion == 3
    assert chord_from_pitches([60, 64, 67, 71]).pitch_classes == {0, 4, 7, 11}


def test_symmetric_chords_take_the_bass_as_root():
    assert chord_from_pitches([62, 65, 68, 71]).name == "Ddim7"
    assert chord_from_pitches([64, 68, 72]).name == "Eaug"


def test_every_name_parses_back():
    for root in range(12):
        for quality, steps in QUALITIES.items():
            for step in steps:
                chord = make_chord(root, quality, root + step)
                assert parse_chord(chord.name) == chord
    assert parse_chord("G7/B") == Chord(7, "7", 11, 1)
    assert parse_chord("B-m") == Chord(10, "min", 10, 0)


def test_bad_symbols_and_basses():
    with pytest.raises(ConfigError):
        parse_chord("Cxyz")
    with pytest.raises(ConfigError):
        make_chord(0, "maj", bass=2)
    with pytest.raises(ConfigError, match="maj7"):
        make_chord(0, "nope")


@given(st.lists(st.integers(36, 84), min_size=1, max_size=6), st.integers(-12, 12))
def test_transposing_moves_the_root(pitches, semitones):
    a = chord_from_pitches(pitches)
    b = chord_from_pitches([p + semitones for p in pitches])
    if a is None:
        assert b is None
    else:
        assert (b.root, b.quality, b.bass, b.inversion) == (
            (a.root + semitones) % 12, a.quality, (a.bass + semitones) % 12, a.inversion)


@pytest.mark.parametrize(
    ("symbol", "key", "numeral"),
    [
        ("C", C_MAJOR, "I"),
        ("Dm", C_MAJOR, "ii"),
        ("G7", C_MAJOR, "V7"),
        ("G7/B", C_MAJOR, "V65"),
        ("G7/D", C_MAJOR, "V43"),
        ("G7/F", C_MAJOR, "V42"),
        ("C/G", C_MAJOR, "I64"),
        ("F/A", C_MAJOR, "IV6"),
        ("Bdim", C_MAJOR, "vii°"),
        ("Bm7b5", C_MAJOR, "viiø7"),
        ("Db", C_MAJOR, "bII"),
        ("Bb", C_MAJOR, "bVII"),
        ("Am", A_MINOR, "i"),
        ("Dm", A_MINOR, "iv"),
        ("E7", A_MINOR, "V7"),
        ("C", A_MINOR, "III"),
        ("F", A_MINOR, "VI"),
        ("G", A_MINOR, "VII"),
        ("G#dim7", A_MINOR, "vii°7"),
        ("G#dim", A_MINOR, "vii°"),
        ("Bb/D", A_MINOR, "bII6"),
        ("Csus4", C_MAJOR, "Isus4"),
    ],
)
def test_roman_numerals(symbol, key, numeral):
    assert roman(parse_chord(symbol), key) == numeral


def test_chords_per_beat_with_a_passing_tone():
    # 4/4, one chord per beat: C | F/A | G7 | C, soprano passing tone D (an eighth) in beat 1
    bass = melody([48, 57, 43, 48])
    tenor = melody([64, 65, 59, 64])
    alto = melody([67, 72, 65, 67])
    soprano = np.concatenate([melody([72, 74], 0.5), melody([72, 67, 72], 1, start=Q)])
    chords = chords_per_beat(score_of(soprano, alto, tenor, bass))
    assert [e.tick for e in chords] == [0, Q, 2 * Q, 3 * Q]
    assert [e.chord.name for e in chords] == ["C", "F/A", "G7", "C"]


def test_passing_tones_are_left_out_and_held_sevenths_kept():
    # one beat of A major; soprano C#-B and alto E-G# in eighths: the B and G# pass (not Amaj9)
    bass, tenor = melody([45]), melody([57])
    soprano, alto = melody([73, 71], 0.5), melody([64, 68], 0.5)
    assert chords_per_beat(score_of(soprano, alto, tenor, bass))[0].chord.name == "A"
    held = melody([67])  # a G held through the beat makes it A7
    assert chords_per_beat(score_of(melody([73]), held, melody([64]), bass))[0].chord.name == "A7"
    passing = melody([64, 67], 0.5)  # a G for the second eighth only does not
    assert chords_per_beat(score_of(melody([73]), passing, melody([57]), bass))[0].chord.name == "A"


def test_chords_follow_the_meter_and_the_grid():
    # 6/8: beats are dotted quarters; C major for one beat, then F major
    s = score_of(melody([60, 65], 1.5), melody([64, 69], 1.5), melody([67, 72], 1.5),
                 time_signatures=(TimeSignature(0, 6, 8),))
    assert [(e.tick, e.chord.name) for e in chords_per_beat(s)] == [(0, "C"), (720, "F")]
    grid = chordify(s, steps_per_quarter=2)  # eighths
    assert [e.tick for e in grid] == [i * 240 for i in range(6)]
    assert [e.chord.name for e in grid] == ["C"] * 3 + ["F"] * 3
    with pytest.raises(ConfigError):
        chordify(s, steps_per_quarter=7)


def test_no_notes_no_chords():
    assert chords_per_beat(score_of()) == [] and chordify(score_of()) == []
    late = chords_per_beat(score_of(melody([60, 64], 1, start=2 * Q)))
    assert [e.chord for e in late] == [None, None, None, None]  # rests, then single notes
