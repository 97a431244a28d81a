"""The Score model: equality, end, bars over meter changes, seconds over tempo changes, validation."""

import numpy as np
import pytest

from tunesmith.errors import ScoreError
from tunesmith.score import (
    MAX_NOTES,
    NOTE_DTYPE,
    TPQ,
    KeySignature,
    Metadata,
    Score,
    Tempo,
    TimeSignature,
    Track,
    note_array,
)


def test_note_array_sorts_and_defaults_velocity():
    notes = note_array([(64, 480, 240), (60, 0, 480, 100), (55, 0, 480)])
    assert notes.dtype == NOTE_DTYPE
    assert notes.tolist() == [(0, 480, 55, 80), (0, 480, 60, 100), (480, 240, 64, 80)]
    assert len(note_array()) == 0


def test_track_sorts_its_notes():
    unsorted = np.array([(480, 1, 60, 80), (0, 1, 62, 80)], dtype=NOTE_DTYPE)
    assert Track(unsorted).notes["start"].tolist() == [0, 480]


def test_score_equality_compares_notes_maps_and_metadata():
    def make(**changes):
        fields = dict(
            tracks=(Track(note_array([(60, 0, 480)]), program=1, name="a"),),
            tempos=(Tempo(0, 100.0),),
            time_signatures=(TimeSignature(0, 3, 4),),
            key_signatures=(KeySignature(0, 2, "major"),),
            metadata=Metadata(title="t"),
        )
        return Score(**{**fields, **changes})

    assert make() == make()
    assert make() != make(tracks=(Track(note_array([(61, 0, 480)]), program=1, name="a"),))
    assert make() != make(tracks=(Track(note_array([(60, 0, 480)]), program=2, name="a"),))
    assert make() != make(tracks=(Track(note_array([(60, 0, 480)]), program=1, name="a", is_drum=True),))
    assert make() != make(tempos=(Tempo(0, 101.0),))
    assert make() != make(time_signatures=(TimeSignature(0, 4, 4),))
    assert make() != make(key_signatures=())
    assert make() != make(metadata=Metadata(title="u"))
    assert make() != "not a score"


def test_maps_are_sorted_and_default_to_120_qpm_in_4_4():
    s = Score(tempos=[Tempo(960, 60.0), Tempo(0, 90.0)], time_signatures=[])
    assert s.tempos == (Tempo(0, 90.0), Tempo(960, 60.0))
    assert s.time_signatures == (TimeSignature(0, 4, 4),)
    assert Score(tempos=()).tempos == (Tempo(0, 120.0),)


def test_replace_returns_a_new_score():
    s = Score()
    t = s.replace(metadata=Metadata(title="x"))
    assert s.metadata.title == "" and t.metadata.title == "x"


def test_end_is_the_last_note_end_over_all_tracks():
    s = Score(tracks=(Track(note_array([(60, 0, 4000), (62, 100, 10)])),
                      Track(note_array([(40, 3000, 1500)]))))
    assert s.end == 4500
    assert Score().end == 0
    assert Score(tracks=(Track(),)).end == 0


def test_note_count_and_all_notes_skip_drums():
    s = Score(tracks=(Track(note_array([(60, 0, 1), (64, 0, 1)])),
                      Track(note_array([(36, 0, 1)]), is_drum=True)))
    assert s.note_count == 3
    assert s.all_notes()["pitch"].tolist() == [60, 64]
    assert len(Score().all_notes()) == 0


def test_bar_starts_follow_time_signature_changes():
    bar44, bar34, bar68 = 4 * TPQ, 3 * TPQ, 3 * TPQ
    s = Score(
        tracks=(Track(note_array([(60, 0, 2 * bar44 + 2 * bar34 + bar68)])),),
        time_signatures=(TimeSignature(0, 4, 4), TimeSignature(2 * bar44, 3, 4),
                         TimeSignature(2 * bar44 + 2 * bar34, 6, 8)),
    )
    assert s.bar_starts().tolist() == [0, 1920, 3840, 5280, 6720]


def test_bar_starts_stop_before_end_even_with_later_time_signatures():
    s = Score(tracks=(Track(note_array([(60, 0, 1000)])),),
              time_signatures=(TimeSignature(0, 4, 4), TimeSignature(7680, 3, 4)))
    assert s.bar_starts().tolist() == [0]
    assert s.bar_starts(end=1921).tolist() == [0, 1920]
    assert s.bar_starts(end=1920).tolist() == [0]  # a bar starting at `end` is not before it
    assert s.bar_starts(end=9000).tolist() == [0, 1920, 3840, 5760, 7680]


def test_bar_starts_before_the_first_time_signature_are_4_4():
    s = Score(tracks=(Track(note_array([(60, 0, 6000)])),), time_signatures=(TimeSignature(3840, 3, 4),))
    assert s.bar_starts().tolist() == [0, 1920, 3840, 5280]


def test_bar_starts_of_an_empty_score_is_tick_0():
    assert Score().bar_starts().tolist() == [0]


def test_bar_starts_with_a_change_in_mid_bar_starts_a_new_bar_there():
    s = Score(tracks=(Track(note_array([(60, 0, 4000)])),),
              time_signatures=(TimeSignature(0, 4, 4), TimeSignature(2400, 2, 4)))
    assert s.bar_starts().tolist() == [0, 1920, 2400, 3360]


def test_seconds_follow_tempo_changes():
    s = Score(tempos=(Tempo(0, 120.0), Tempo(2 * TPQ, 60.0), Tempo(4 * TPQ, 240.0)))
    # two quarters at 0.5 s, two at 1 s, then 0.25 s a quarter
    got = s.seconds([0, TPQ, 2 * TPQ, 3 * TPQ, 4 * TPQ, 6 * TPQ])
    np.testing.assert_allclose(got, [0.0, 0.5, 1.0, 2.0, 3.0, 3.5])
    assert float(s.seconds(TPQ // 2)) == pytest.approx(0.25)


def test_seconds_before_the_first_tempo_use_120_qpm():
    s = Score(tempos=(Tempo(2 * TPQ, 60.0),))
    np.testing.assert_allclose(s.seconds([0, TPQ, 2 * TPQ, 3 * TPQ]), [0.0, 0.5, 1.0, 2.0])


def test_seconds_with_two_tempos_on_one_tick_use_the_last():
    s = Score(tempos=(Tempo(0, 120.0), Tempo(0, 60.0)))
    assert float(s.seconds(TPQ)) == pytest.approx(1.0)


def test_duration_seconds():
    s = Score(tracks=(Track(note_array([(60, 0, 4 * TPQ)])),), tempos=(Tempo(0, 60.0),))
    assert s.duration_seconds == pytest.approx(4.0)
    assert Score().duration_seconds == 0.0


def test_key_signature_name():
    assert KeySignature(0, 2, "major").name == "D major"
    assert KeySignature(0, 9, "minor").name == "A minor"


def test_time_signature_bar_ticks():
    assert TimeSignature(0, 4, 4).bar_ticks == 1920
    assert TimeSignature(0, 6, 8).bar_ticks == 1440
    assert TimeSignature(0, 3, 2).bar_ticks == 2880


def test_validate_returns_a_sane_score_unchanged():
    s = Score(tracks=(Track(note_array([(60, 0, 480)])),), key_signatures=(KeySignature(0, 9, "minor"),))
    assert s.validate() is s


@pytest.mark.parametrize("score, message", [
    (Score(tracks=(Track(note_array([(128, 0, 1)])),)), "pitch"),
    (Score(tracks=(Track(note_array([(60, 0, 1, 200)])),)), "velocity"),
    (Score(tracks=(Track(note_array([(60, 0, 0)])),)), "zero or negative length"),
    (Score(tracks=(Track(note_array([(60, -5, 10)])),)), "negative start"),
    (Score(tracks=(Track(note_array([(60, 2**31, 10)])),)), "after tick"),
    (Score(tracks=(Track(note_array([(60, 0, 1)]), program=128),)), "program"),
    (Score(tempos=(Tempo(0, 0.0),)), "tempo"),
    (Score(tempos=(Tempo(0, float("nan")),)), "tempo"),
    (Score(tempos=(Tempo(-1, 120.0),)), "tick -1"),
    (Score(time_signatures=(TimeSignature(0, 4, 3),)), "time signature"),
    (Score(time_signatures=(TimeSignature(0, 0, 4),)), "time signature"),
    (Score(key_signatures=(KeySignature(0, 12, "major"),)), "key signature"),
    (Score(key_signatures=(KeySignature(0, 0, "dorian"),)), "key signature"),
])
def test_validate_rejects_absurd_scores(score, message):
    with pytest.raises(ScoreError, match=message):
        score.validate()


def test_validate_rejects_too_many_notes():
    n = MAX_NOTES + 1
    notes = np.zeros(n, dtype=NOTE_DTYPE)
    notes["start"], notes["duration"], notes["pitch"] = np.arange(n), 1, 60
    with pytest.raises(ScoreError, match=f"{n} notes"):
        Score(tracks=(Track(notes),)).validate()
