import numpy as np

from tunesmith.theory.voice_leading import REST, crossed, out_of_range, parallel, too_wide


def test_parallel_fifth_needs_both_voices_moving_the_same_way():
    assert parallel(67, 60, 69, 62, 7)  # G/C -> A/D
    assert not parallel(67, 60, 74, 55, 7)  # contrary: G/C -> D/G
    assert not parallel(67, 60, 67, 60, 7)  # held
    assert parallel(79, 60, 81, 62, 7)  # compound fifths count
    assert not parallel(67, 60, 69, REST, 7)  # a rest breaks the motion


def test_rules_are_elementwise_over_candidates():
    candidates = np.array([69, 71, 72])  # soprano candidates over bass C3 -> D3, from G4 over C3
    assert parallel(67, 48, candidates, 50, 7).tolist() == [True, False, False]
    assert crossed(np.array([60, 55, REST]), 57).tolist() == [False, True, False]
    assert too_wide(76, np.array([64, 60]), 12).tolist() == [False, True]
    assert out_of_range(np.array([59, 60, 79, 80, REST]), (60, 79)).tolist() == [True, False, False, True, False]
