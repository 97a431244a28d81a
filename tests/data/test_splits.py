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


def test_settings_of_one_tune_share_a_group_whatever_the_key():
    from tunesmith.data.splits import group_of
    from tunesmith.score import Score, Track, note_array

    tune = [60, 62, 64, 65, 67, 65, 64, 62, 60, 59, 60, 62]

    def setting(shift, bass):
        top = note_array([(p + shift, i * 480, 480) for i, p in enumerate(tune)])
        low = note_array([(p, i * 480, 480) for i, p in enumerate(bass)])
        return Score(tracks=(Track(top), Track(low)))

    a, b = setting(0, [48] * 12), setting(2, [43, 45] * 6)
    assert group_of("x", a) == group_of("y", b) != group_of("z", setting(0, [48] * 12).replace(
        tracks=(Track(note_array([(p, i * 480, 480) for i, p in enumerate(reversed(tune))])),)))
    short = Score(tracks=(Track(note_array([(60, 0, 480)])),))
    assert group_of("solo", short) == "solo"
