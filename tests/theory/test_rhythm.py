import pytest

from tunesmith.score import TimeSignature
from tunesmith.theory.rhythm import is_single, is_value, quarter_length, split_values

Q = 480
C, THREE, SIX, TWELVE = TimeSignature(0, 4, 4), TimeSignature(0, 3, 4), TimeSignature(0, 6, 8), TimeSignature(0, 12, 8)


@pytest.mark.parametrize(("meter", "start", "end", "rest", "quarters"), [
    (C, 0, 2 * Q, False, [2]),  # a half on beat 1: no tie
    (C, Q, 3 * Q, False, [2]),  # a half on beat 2, as Bach writes it
    (C, Q, 4 * Q, False, [1, 2]),  # a dotted half on beat 2 shows the middle of the bar
    (C, Q, Q * 5 // 2, False, [1.5]),  # a dotted quarter on beat 2
    (C, Q, 3 * Q, True, [1, 1]),  # a rest from beat 2 never crosses the middle
    (C, 0, Q * 5 // 2, False, [2, 0.5]),  # 5 eighths from beat 1: half tied to eighth
    (C, Q // 2, Q * 3 // 2, False, [1]),  # the syncopated quarter of eighth-quarter-eighth
    (C, Q // 2, Q * 7 // 2, False, [0.5, 1, 1.5]),  # off the beat over the middle: tied at the beats
    (C, Q // 4, Q, True, [0.25, 0.5]),  # a dotted-eighth rest off the beat: sixteenth and eighth rests
    (C, 0, 4 * Q, False, [4]),
    (THREE, Q, 3 * Q, False, [2]),  # a half on beat 2 of 3/4
    (THREE, 0, Q * 5 // 2, False, [2, 0.5]),  # the latest cut that leaves one value: half tied to eighth
    (THREE, 0, 3 * Q, True, [3]),  # a whole bar's rest
    (SIX, Q // 2, 3 * Q // 2, False, [1]),  # eighth-quarter within a beat of 6/8
    (SIX, Q // 2, 3 * Q // 2, True, [0.5, 0.5]),  # but a rest shows the eighths
    (SIX, Q, 2 * Q, False, [0.5, 0.5]),  # a quarter over the middle of 6/8 is tied
    (SIX, 0, 3 * Q, False, [3]),  # the whole bar: a dotted half
    (SIX, 0, 2 * Q, False, [1.5, 0.5]),  # four eighths from the downbeat: never a half note in 6/8
    (SIX, 0, Q * 5 // 2, False, [1.5, 1]),
    (TWELVE, Q * 3 // 2, Q * 9 // 2, False, [3]),  # a dotted half on beat 2 of 12/8, as on beat 2 of 4/4
    (C, Q // 3, Q * 4 // 3, False, [2 / 3, 1 / 3]),  # triplets cut at the beat
    (TimeSignature(0, 5, 4), 0, 5 * Q, False, [4, 1]),
])
def test_split_values(meter, start, end, rest, quarters):
    pieces = split_values(start, end, meter, rest)
    assert [p / Q for p in pieces] == pytest.approx(quarters)
    assert sum(pieces) == end - start and all(is_value(p) for p in pieces)


def test_values():
    assert all(is_value(v) for v in (3840, 1920, 2880, 960, 720, 480, 320, 240, 160, 120, 90, 80, 60, 40, 30, 20))
    assert not any(is_value(v) for v in (600, 840, 1200, 200, 100))
    assert quarter_length(160) * 3 == 1
    assert not is_single(0, 0, C)
