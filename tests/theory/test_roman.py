import pytest

from tunesmith.score import KeySignature
from tunesmith.theory.chords import QUALITIES, make_chord, parse_chord
from tunesmith.theory.roman import numeral

C, A_MINOR = KeySignature(0, 0, "major"), KeySignature(0, 9, "minor")


@pytest.mark.parametrize("symbol, key, figure", [
    ("G7/B", C, "V6/5"), ("C/G", C, "I6/4"), ("Dm7/C", C, "ii4/2"), ("Bdim", C, "viio"),
    ("D7", C, "V7/V"), ("F#dim7/C", C, "viio4/3/V"), ("E/G#", C, "V6/vi"), ("Bbmaj7", C, "bVII"),
    ("Ab", C, "bVI"), ("Db/F", C, "N6"), ("C", A_MINOR, "III"), ("G#dim", A_MINOR, "viio"),
    ("E7", A_MINOR, "V7"), ("Em", A_MINOR, "v"), ("F", A_MINOR, "VI"), ("F#m", A_MINOR, "vi"),
    ("A", A_MINOR, "I"), ("Bm7b5", A_MINOR, "iiø7"), ("Caug", A_MINOR, "III+"), ("C5", C, "I[no3]"),
    ("Ab7", C, "Ger65"), ("C7", C, "V7/IV"),
])
def test_figures(symbol, key, figure):
    assert numeral(parse_chord(symbol), key).figure == figure


def test_applied_chord_names_its_target_and_function():
    n = numeral(parse_chord("D7/F#"), C)
    assert (n.secondary, n.function, n.primary) == (7, "dominant", "V")
    assert numeral(parse_chord("F"), C).function == "predominant"
    assert numeral(parse_chord("Am"), C).function == "tonic"


def test_a_diminished_seventh_is_named_on_its_functional_root():
    # G#-B-D-F in A minor is viio7 whatever tone the template took as root; B-D-F-Ab in C too (from minor)
    assert numeral(make_chord(2, "dim7", 2), A_MINOR).figure == "viio4/3"
    assert numeral(make_chord(8, "dim7", 8), C).figure == "viio4/2"
    assert numeral(make_chord(1, "dim7", 1), C).figure == "viio7/ii"


def test_every_figure_rereads_as_the_same_chord_in_music21():
    """The RomanText we write means, to music21's parser, the chord we named: every triad and seventh on
    every root, in every inversion, in a major and a minor key."""
    m21_roman = pytest.importorskip("music21.roman")
    from music21 import key as m21key

    for key, m21 in ((KeySignature(0, 2, "major"), m21key.Key("D")), (KeySignature(0, 7, "minor"), m21key.Key("g"))):
        for q in ("maj", "min", "dim", "aug", "7", "maj7", "m7", "m7b5", "dim7", "5"):
            for root in range(12):
                for inversion in range(len(QUALITIES[q])):
                    n = numeral(make_chord(root, q, root + QUALITIES[q][inversion]), key)
                    rn = m21_roman.RomanNumeral(n.figure, m21)
                    assert {p.pitchClass for p in rn.pitches} == {(n.root + s) % 12 for s in QUALITIES[n.quality]}, n
                    assert rn.bass().pitchClass == n.bass, n
