"""Motif development in a key: transposition and inversion by scale steps, the six classic developments."""

import numpy as np

from tunesmith.score import KeySignature, Score, TimeSignature, Track, note_array
from tunesmith.theory.motif import developments, diatonic_invert, diatonic_transpose, sequence

Q = 480
C, A_MINOR = KeySignature(0, 0, "major"), KeySignature(0, 9, "minor")


def motif(*pitches, length=Q):
    notes = note_array([(p, i * length, length) for i, p in enumerate(pitches)])
    return Score(tracks=(Track(notes),), time_signatures=(TimeSignature(0, 4, 4),))


def pitches(score):
    return score.all_notes()["pitch"].tolist()


def test_scale_steps_keep_the_notes_in_the_key():
    assert pitches(diatonic_transpose(motif(60, 64, 67), 1, C).score) == [62, 65, 69]  # C-E-G -> D-F-A
    assert pitches(diatonic_transpose(motif(60, 64, 67), -7, C).score) == [48, 52, 55]
    assert pitches(diatonic_transpose(motif(69, 71, 72), 2, A_MINOR).score) == [72, 74, 76]
    assert pitches(diatonic_transpose(motif(68, 69), 1, A_MINOR).score) == [70, 71]  # a raised G stays raised
    assert pitches(diatonic_invert(motif(60, 62, 64), 60, C).score) == [60, 59, 57]  # C-D-E -> C-B-A


def test_a_sequence_repeats_a_step_lower_in_whole_beats():
    out = sequence(motif(67, 69, 71, length=Q // 2), -1, 3, C)  # a motif of a beat and a half: copies 2 beats apart
    n = out.all_notes()
    assert pitches(out) == [67, 69, 71, 65, 67, 69, 64, 65, 67]
    assert n["start"].tolist() == [0, 240, 480, 960, 1200, 1440, 1920, 2160, 2400]


def test_six_developments_each_with_a_reason():
    found = {d.name: d for d in developments(motif(60, 62, 64, 67), C)}
    assert list(found) == ["sequence", "inversion", "retrograde", "augmentation", "diminution", "fragmentation"]
    assert pitches(found["retrograde"].score) == [67, 64, 62, 60]
    assert pitches(found["fragmentation"].score) == [60, 62, 64]
    assert np.all(found["augmentation"].score.all_notes()["duration"] == 2 * Q)
    assert all(d.how for d in found.values())
    chromatic = {d.name: d for d in developments(motif(60, 62, 64, 67))}
    assert pitches(chromatic["inversion"].score) == [60, 58, 56, 53]
