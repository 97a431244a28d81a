from pathlib import Path

import pytest

from tunesmith.io.measures import grid_measures, read_measures
from tunesmith.score import Score, TimeSignature, Track, note_array

Q = 480


def test_grid_numbers_a_pickup_as_zero():
    pickup = Score(tracks=(Track(note_array([(60, 3 * Q, Q), (62, 4 * Q, 4 * Q)])),),
                   time_signatures=(TimeSignature(0, 4, 4),))
    m = grid_measures(pickup)
    assert m.numbers == ("0", "1") and m.starts.tolist() == [0, 4 * Q]
    assert m.locate(5 * Q) == ("1", Q)
    assert grid_measures(Score(tracks=(Track(note_array([(60, 0, 8 * Q)])),))).numbers == ("1", "2")


def test_musicxml_measures_match_music21():
    """Split measures and a pickup as music21 reads them: bwv269 has a pickup, and a measure 14a."""
    corpus = pytest.importorskip("music21.corpus")
    path = Path(corpus.__file__).parent / "bach" / "bwv269.mxl"
    from tunesmith.io import read

    score = read(path)
    m = read_measures(path, score)
    assert m.numbers[:2] == ("0", "1") and "14a" in m.numbers
    assert m.starts[1] == 3 * Q and m.locate(int(score.fermatas[0]))[0] == "4"
    assert read_measures(Path("x.mid"), score).numbers == grid_measures(score).numbers
