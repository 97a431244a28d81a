import pytest

from tunesmith.score import Score, Track, note_array


@pytest.fixture
def two_bars() -> Score:
    """Two bars of 4/4 at 120 qpm (4 s): a melody over a bass, no note crossing the bar line."""
    melody = note_array([(72, 0, 480), (74, 480, 480), (76, 960, 960), (79, 1920, 960), (77, 2880, 960)])
    bass = note_array([(48, 0, 1920), (43, 1920, 1920, 100)])
    return Score(tracks=(Track(melody, program=0, name="melody"), Track(bass, program=32, name="bass")))
