import math

import pytest

from tunesmith.errors import ConfigError
from tunesmith.library.trials import add_trial, answer, report, wilson


def test_wilson_interval_matches_the_textbook():
    # 8 of 10: the Wilson 95% interval is 0.490..0.943 (Newcombe, Statistics in Medicine 17, 1998)
    low, high = wilson(8, 10)
    assert low == pytest.approx(0.4902, abs=1e-4) and high == pytest.approx(0.9433, abs=1e-4)
    assert wilson(0, 5)[0] == pytest.approx(0.0, abs=1e-12) and all(math.isnan(x) for x in wilson(0, 0))


def test_answers_make_the_report(db, two_users):
    ann, bob = two_users
    with db.session.begin() as s:
        ids = [add_trial(s, ann, "bach", "chorales", f"corpus:c/{i}", "ab"[i % 2], {}).id for i in range(4)]
        answer(s, ann, ids[0], "a", 2, 5)  # machine was a: right; liked the machine 2, the real 5
        answer(s, ann, ids[1], "a", 4, 3)  # machine was b: wrong; machine 3, real 4
        answer(s, ann, ids[2], "a", 3, 3)  # right
        assert answer(s, bob, ids[3], "a", 3, 3) is None  # not bob's trial
        with pytest.raises(ConfigError, match="answered already"):
            answer(s, ann, ids[0], "b", 1, 1)
        with pytest.raises(ConfigError):
            answer(s, ann, ids[3], "c", 1, 1)
        (row,) = report(s)
    assert (row["model"], row["trials"], row["identified"]) == ("chorales", 3, 2)
    assert row["rate"] == pytest.approx(2 / 3)
    assert row["like_machine"] == pytest.approx((2 + 3 + 3) / 3) and row["like_real"] == pytest.approx(4)
    assert row["ci95"] == pytest.approx(list(wilson(2, 3)))
