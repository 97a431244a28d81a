"""The melodic rules RL Tuner's statistics and rewards share."""

import numpy as np

from tunesmith.theory.melody import excessive_repeats, leap_resolution, leap_runs, motifs, repeated_motifs


def test_excessive_repeats_mark_the_sixth_note_of_a_run_on():
    assert excessive_repeats([60] * 7).tolist() == [False] * 5 + [True, True]
    assert not excessive_repeats([60] * 5 + [62] * 5).any() and len(excessive_repeats([])) == 0


def test_leaps_resolved_and_doubled():
    assert leap_resolution([60, 67, 65, 62, 60]) == (1, 0)
    assert leap_resolution([60, 67, 74, 72, 60]) == (1, 1)
    assert leap_resolution([60, 62, 64]) == (0, 0)


def test_only_leaps_past_the_second_in_a_row_count():
    assert leap_runs([60, 65, 70, 75, 77, 82]).tolist() == [False, False, True, False, False]
    assert leap_runs([60, 65, 60, 65, 60], longest=3).tolist() == [False, False, False, True]
    assert len(leap_runs([60])) == 0


def test_motifs_are_rhythm_and_intervals_of_a_bar():
    # bar 0: C D E on beats 1-3; bar 1: the same a fourth up; bar 2: two notes only; bar 3: a new shape
    pitches = [60, 62, 64, 65, 67, 69, 60, 60, 60, 67, 64]
    onsets = [0, 4, 8, 16, 20, 24, 32, 36, 48, 52, 56]
    m = motifs(pitches, onsets, bar=16)
    assert m[0] == m[1] == ((0, 4, 8), (2, 2)) and m[2] is None and m[3] == ((0, 4, 8), (7, -3))
    assert repeated_motifs(pitches, onsets, 16) == (1, 2)
    assert repeated_motifs([], [], 16) == (0, 0)
    assert motifs(np.array([60, 60, 60]), np.array([0, 1, 2]), 16) == [None]  # one pitch: no motif
