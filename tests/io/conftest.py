"""Scores shared by the I/O tests, built in code."""

import pytest

from tunesmith.score import KeySignature, Metadata, Score, Tempo, TimeSignature, Track, note_array


def make_rich_score() -> Score:
    """Two pitched tracks and a drum track, with tempo, time- and key-signature changes that MIDI holds
    exactly (tempos whose microseconds per quarter are whole numbers)."""
    return Score(
        tracks=(
            Track(note_array([(72, 0, 480, 90), (74, 480, 240, 64), (76, 720, 240, 100),
                              (77, 1440, 1440, 127)]), program=40, name="Violin"),
            Track(note_array([(48, 0, 1440, 70), (43, 1440, 960, 70), (55, 1440, 1440, 1)]),
                  program=32, name="Bass"),
            Track(note_array([(36, 0, 120, 100), (42, 240, 120, 80), (38, 480, 120, 110)]),
                  program=0, name="Kit", is_drum=True),
        ),
        tempos=(Tempo(0, 100.0), Tempo(960, 75.0), Tempo(2400, 150.0)),
        time_signatures=(TimeSignature(0, 3, 4), TimeSignature(1440, 6, 8)),
        key_signatures=(KeySignature(0, 2, "major"), KeySignature(1440, 11, "minor")),
        metadata=Metadata(title="rich"),
    )


@pytest.fixture
def rich_score() -> Score:
    return make_rich_score()

