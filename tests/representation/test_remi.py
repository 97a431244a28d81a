import pytest
from hypothesis import given

from tunesmith.representation import get_tokenizer
from tunesmith.representation.base import Conditioning
from tunesmith.representation.remi import bar_lines
from tunesmith.score import Metadata, Score, Tempo, TimeSignature, Track, note_array

from .strategies import PROPERTY, scores, token_ids

TOK = get_tokenizer("remi")
NONE = Conditioning()


def names(ids, tok=TOK):
    return [tok.vocab.name(i) for i in ids]


def test_a_bar_of_two_tracks():
    s = Score(tracks=(
        Track(note_array([(60, 0, 480, 80), (64, 0, 480, 80), (67, 480, 240, 100)]), program=0),
        Track(note_array([(36, 0, 120, 127)]), is_drum=True),
        Track(note_array([(48, 0, 1920, 50)]), program=33),
    ), tempos=(Tempo(0, 100),), metadata=Metadata(style="folk"))
    assert names(TOK.encode(s)) == [
        "BOS", "Style_folk", "Meter_4/4", "Tempo_96", "Bar", "TimeSig_4/4", "TempoChange_96",
        "Position_0", "Program_0",
        "Pitch_60", "Velocity_80", "Duration_12", "Pitch_64", "Velocity_80", "Duration_12",
        "Program_33", "Pitch_48", "Velocity_48", "Duration_48",
        "Program_drums", "Pitch_36", "Velocity_127", "Duration_3",
        "Position_12", "Program_0", "Pitch_67", "Velocity_96", "Duration_6", "EOS",
    ]


def test_positions_follow_the_time_signature_and_hold_triplets_and_sixteenths():
    notes = note_array([(60, 0, 160), (62, 160, 160), (64, 320, 120), (65, 1440, 120)])
    in_34 = Score(tracks=(Track(notes),), time_signatures=(TimeSignature(0, 3, 4),))
    def grid(score):
        return [n for n in names(TOK.encode(score, NONE)) if n.startswith(("Bar", "Position"))]

    assert grid(in_34) == ["Bar", "Position_0", "Position_4", "Position_8", "Bar", "Position_0"]
    in_44 = in_34.replace(time_signatures=())
    assert grid(in_44) == ["Bar", "Position_0", "Position_4", "Position_8", "Position_36"]
    assert TOK.normalize(in_34).tracks[0].notes["start"].tolist() == [0, 160, 320, 1440]


def test_tracks_of_one_program_merge_and_drums_merge():
    s = Score(tracks=(
        Track(note_array([(60, 0, 480)]), program=5, name="a"),
        Track(note_array([(38, 0, 480)]), program=9, is_drum=True),
        Track(note_array([(64, 0, 480)]), program=5, name="b"),
        Track(note_array([(36, 0, 480)]), program=0, is_drum=True),
        Track(note_array([(50, 0, 480)]), program=1),
        Track(note_array(), program=2),
    ))
    norm = TOK.normalize(s)
    assert [(t.program, t.is_drum, len(t), t.name) for t in norm.tracks] == [
        (1, False, 1, ""), (5, False, 2, ""), (0, True, 2, "")]
    assert TOK.decode(TOK.encode(s)) == norm


def test_durations_are_clipped_and_velocities_binned():
    s = Score(tracks=(Track(note_array([(60, 0, 10_000, 1), (62, 0, 10, 70)])),))
    (t,) = TOK.normalize(s).tracks
    assert t.notes.tolist() == [(0, 3840, 60, 16), (0, 40, 62, 64)]
    tok = get_tokenizer("remi", velocity_bins=0, max_duration=24)
    assert tok.normalize(s).tracks[0].notes.tolist() == [(0, 960, 60, 80), (0, 40, 62, 80)]
    assert not any(n.startswith("Velocity") for n in tok.vocab.names)


def test_meter_and_tempo_changes_move_to_the_next_bar_line():
    s = Score(
        tracks=(Track(note_array([(60, 0, 480), (60, 5760, 480)])),),
        time_signatures=(TimeSignature(0, 4, 4), TimeSignature(1000, 3, 4), TimeSignature(3840, 4, 64)),
        tempos=(Tempo(0, 120), Tempo(700, 150), Tempo(1920, 60), Tempo(9000, 90)),
    )
    norm = TOK.normalize(s)
    # 3/4 from the bar line after tick 1000; 4/64 is not in the vocabulary: 4/4, from the next bar line
    sigs = (TimeSignature(0, 4, 4), TimeSignature(1920, 3, 4), TimeSignature(4800, 4, 4))
    assert norm.time_signatures == sigs
    # the change at 700 moves to 1920 and is overruled by the one there; the one after the last bar is lost
    assert norm.tempos == (Tempo(0, 120.0), Tempo(1920, 60.0))
    assert bar_lines(norm.time_signatures, 5760) == [0, 1920, 3360, 4800, 6720]
    assert TOK.decode(TOK.encode(s)) == norm


def test_metadata_that_is_no_token_is_dropped():
    s = Score(metadata=Metadata(title="t", composer="c", style="baroque", source="x"))
    assert TOK.normalize(s).metadata == Metadata(style="user")
    assert TOK.decode(TOK.encode(s)) == TOK.normalize(s)
    assert names(TOK.encode(Score(), NONE)) == ["BOS", "Bar", "TimeSig_4/4", "TempoChange_120", "EOS"]


CONFIGS = [{}, {"time_signatures": False, "tempos": False}, {"velocity_bins": 0, "max_duration": 12},
           {"max_bar_quarters": 4, "velocity_bins": 3}]


@pytest.mark.parametrize("config", CONFIGS)
def test_round_trip_equals_normalize(config):
    tok = get_tokenizer("remi", **config)

    @PROPERTY
    @given(scores)
    def check(score):
        norm = tok.normalize(score)
        assert tok.decode(tok.encode(score)) == norm
        assert tok.decode(tok.encode(norm)) == norm

    check()


@PROPERTY
@given(token_ids(len(TOK.vocab)))
def test_any_ids_decode_to_a_valid_score(ids):
    TOK.decode(ids).validate()


def test_corpus_sample_round_trips(corpus_sample):
    for score in corpus_sample:
        norm = TOK.normalize(score)
        assert TOK.decode(TOK.encode(score)) == norm
        assert norm.note_count == score.note_count  # REMI keeps every note of these
