from tunesmith.score import KeySignature
from tunesmith.theory.harmony import harmonize, merged

from .scores import Q, melody, score_of


def chorale(*chords):
    """Four voices, one chord a quarter note: (soprano, alto, tenor, bass) each."""
    return score_of(*(melody([c[v] for c in chords]) for v in range(4)))


I, IV, V7, V65_V, V = (72, 67, 64, 48), (72, 69, 65, 53), (71, 65, 62, 55), (72, 69, 62, 54), (71, 67, 62, 55)


def test_a_cadence_in_c_major():
    h = harmonize(chorale(I, IV, V7, I))
    assert [x.numeral.figure for x in h] == ["I", "IV", "V7", "I"]
    assert {(x.key.tonic, x.key.mode) for x in h} == {(0, "major")}
    assert h[2].chord.name == "G7" and h[1].tick == Q


def test_an_applied_dominant_keeps_the_key():
    h = harmonize(chorale(I, IV, V65_V, V, I))
    assert h[2].numeral.figure == "V6/5/V" and h[2].key == KeySignature(2 * Q, 0, "major")


def test_a_passing_tone_is_left_out_of_the_chord():
    # soprano C5-D5 in eighths over a held C major chord: still I
    s = score_of(melody([72, 74], 0.5), melody([67]), melody([64]), melody([48]))
    assert harmonize(s)[0].numeral.figure == "I"


def test_merged_joins_repeats_and_silence_gives_no_chord():
    assert [(x.tick, x.end) for x in merged(harmonize(chorale(I, I, V7, I)))] == [(0, 2 * Q), (2 * Q, 3 * Q),
                                                                                (3 * Q, 4 * Q)]
    s = score_of(melody([60], 1), melody([64], 1, start=2 * Q))
    assert [x.chord is None for x in harmonize(s)] == [False, True, False]
    assert harmonize(score_of(melody([]))) == []
