from tunesmith.score import KeySignature
from tunesmith.theory.cadences import cadence_kind, cadences, phrase_boundaries
from tunesmith.theory.chords import parse_chord
from tunesmith.theory.harmony import harmonize, merged
from tunesmith.theory.roman import numeral

from .scores import Q, melody, score_of

C = KeySignature(0, 0, "major")


def kind(before, at, soprano=None, key=C):
    return cadence_kind(numeral(parse_chord(before), key) if before else None, numeral(parse_chord(at), key), key,
                        soprano)


def test_the_five_cadences():
    assert kind("G7", "C", soprano=0) == "PAC"
    assert kind("G7", "C", soprano=4) == "IAC"
    assert kind("G/B", "C", soprano=0) == "IAC"
    assert kind("Bdim", "C") == "IAC"
    assert kind("F", "C") == "PC"
    assert kind("Am", "G") == "HC"
    assert kind("G", "Am") == "DC"
    assert kind("G", "C/E") == "IAC"
    assert kind("Dm", "F") is None
    a_minor = KeySignature(0, 9, "minor")
    assert kind("E", "F", key=a_minor) == "DC" and kind("E", "A", soprano=9, key=a_minor) == "PAC"


def test_cadences_at_fermatas_in_a_score():
    chords = [(72, 67, 64, 48), (72, 69, 65, 53), (71, 65, 62, 55), (72, 64, 55, 48)]
    s = score_of(*(melody([c[v] for c in chords]) for v in range(4))).replace(fermatas=(3 * Q,))
    assert phrase_boundaries(s).tolist() == [3 * Q]
    found = cadences(s, merged(harmonize(s)), soprano=s.tracks[0].notes)
    assert [(c.tick, c.kind, c.approach, c.arrival) for c in found] == [(3 * Q, "PAC", "V7", "I")]
