from collections import Counter

from tunesmith.data.splits import SPLITS, split_of


def test_split_is_a_function_of_the_id_alone():
    ids = [f"essen/han1/{i}" for i in range(2000)]
    first = [split_of(i) for i in ids]
    assert first == [split_of(i) for i in reversed(ids)][::-1]
    assert set(first) == set(SPLITS)


def test_split_fractions_close_to_80_10_10():
    counts = Counter(split_of(f"piece/{i}") for i in range(20000))
    assert abs(counts["train"] / 20000 - 0.8) < 0.02
    assert abs(counts["valid"] / 20000 - 0.1) < 0.01
