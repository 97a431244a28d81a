import numpy as np
import pytest

from tunesmith.score import KeySignature, TimeSignature, Track, note_array
from tunesmith.theory.chords import is_tertian, make_chord
from tunesmith.theory.phrases import (
    cadence_at,
    cadence_of_chords,
    cadence_of_melody,
    is_tonic_triad,
    key_at,
    phrase_ends,
    phrase_start,
)

from .scores import Q, melody, score_of

C_MAJOR, A_MINOR = KeySignature(0, 0, "major"), KeySignature(0, 9, "minor")
C, F, G, G7, A, AM = (make_chord(0, "maj"), make_chord(5, "maj"), make_chord(7, "maj"), make_chord(7, "7"),
                      make_chord(9, "maj"), make_chord(9, "min"))


@pytest.mark.parametrize(("pcs", "tertian"), [
    ([0, 4, 7], True), ([0, 4], True), ([11, 2, 5, 9], True), ([0, 3, 6, 9], True), ([0, 1], True),
    ([0, 2, 4], False), ([0, 5, 7], False), ([0, 4, 7, 9, 2], False), ([0], False), ([0, 0, 12], False),
])
def test_tertian_is_a_triad_or_seventh_or_part_of_one(pcs, tertian):
    assert is_tertian(pcs) is tertian


def test_tonic_triad_takes_the_picardy_third_in_minor_only():
    assert is_tonic_triad(C, C_MAJOR) and not is_tonic_triad(make_chord(0, "min"), C_MAJOR)
    assert is_tonic_triad(AM, A_MINOR) and is_tonic_triad(A, A_MINOR)
    assert not is_tonic_triad(G, C_MAJOR) and not is_tonic_triad(None, C_MAJOR)


def test_cadences_of_chords():
    assert cadence_of_chords(G7, C, C_MAJOR) == "authentic"
    assert cadence_of_chords(F, C, C_MAJOR) == "plagal"
    assert cadence_of_chords(AM, G, C_MAJOR) == "half"
    assert cadence_of_chords(AM, C, C_MAJOR) is None  # vi -> I closes nothing
    assert cadence_of_chords(G, AM, C_MAJOR) is None  # deceptive
    assert cadence_of_chords(G, make_chord(0, "maj", 4), C_MAJOR) is None  # I6 is no cadence
    assert cadence_of_chords(make_chord(4, "maj"), A, A_MINOR) == "authentic"  # Picardy third


def test_cadences_of_a_melody():
    d = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}
    assert cadence_of_melody(d["D"], d["C"], C_MAJOR) == "full"
    assert cadence_of_melody(d["F"], d["E"], C_MAJOR) == "full"
    assert cadence_of_melody(d["E"], d["C"], C_MAJOR) is None  # from the other tone of I
    assert cadence_of_melody(None, d["C"], C_MAJOR) is None
    assert cadence_of_melody(d["C"], d["G"], C_MAJOR) == "half"
    assert cadence_of_melody(d["G"], d["A"], C_MAJOR) is None  # ends on the 6th
    assert cadence_of_melody(d["D"], 1, C_MAJOR) is None  # a chromatic tone


def test_phrase_ends_two_bar_units_after_a_pickup():
    # pickup G (beat 4 of an empty-fronted bar), then bars of four quarters; the last is a whole note
    line = melody([67, 72, 71, 72, 74, 76, 74, 72, 71, 67, 69, 71, 72], [1] * 12 + [4], start=3 * Q)
    s = score_of(line)
    assert phrase_start(s) == 1
    # bar 2 (ticks 8Q..12Q) closes the first unit: of four quarters, beat 3 (the last reaches the bar line)
    assert phrase_ends(s).tolist() == [10 * Q, 15 * Q]


def test_phrase_ends_prefer_a_long_note():
    # bar 0: four quarters, bar 1: half note on beat 1 then two quarters; bar 2: the last note
    line = melody([60, 62, 64, 65, 67, 65, 64, 60], [1, 1, 1, 1, 2, 1, 1, 4])
    assert phrase_ends(score_of(line)).tolist() == [4 * Q, 8 * Q]


def test_key_at_follows_the_key_map_else_estimates():
    s = score_of(melody([60, 64, 67, 72]), key_signatures=(KeySignature(0, 7, "major"), KeySignature(Q * 2, 2,
                                                                                                   "major")))
    assert key_at(s, 0).tonic == 7 and key_at(s, 3 * Q).tonic == 2
    assert key_at(score_of(melody([60, 64, 67, 72, 67, 64, 60])), 0).tonic == 0


def _parts(*chords, quarters=1):
    return [note_array([(c[v], i * quarters * Q, quarters * Q) for i, c in enumerate(chords)]) for v in range(4)]


def test_cadence_at_hears_v_i_in_parts_and_the_suspension_before_it():
    v_i = score_of(*_parts((74, 67, 59, 43), (72, 64, 55, 48)), key_signatures=(C_MAJOR,))
    assert cadence_at(v_i, Q) == "authentic"
    # beat 1 G with a 4-3 suspension (C over G), resolving to B on the off-beat, then C major
    sus = [note_array([(74, 0, Q), (72, Q, Q)]), note_array([(72, 0, Q // 2), (71, Q // 2, Q // 2), (72, Q, Q)]),
           note_array([(67, 0, Q), (64, Q, Q)]), note_array([(43, 0, Q), (48, Q, Q)])]
    assert cadence_at(score_of(*sus, key_signatures=(C_MAJOR,)), Q) == "authentic"
    vi_i = score_of(*_parts((72, 64, 57, 45), (72, 64, 55, 48)), key_signatures=(C_MAJOR,))
    assert cadence_at(vi_i, Q) is None


def test_cadence_at_in_a_melody_in_six_eight():
    s = score_of(Track(melody([62, 60], [1.5, 1.5])), time_signatures=(TimeSignature(0, 6, 8),),
                 key_signatures=(C_MAJOR,))
    assert cadence_at(s, int(1.5 * Q)) == "full"
    assert np.array_equal(phrase_ends(s), [int(1.5 * Q)])
