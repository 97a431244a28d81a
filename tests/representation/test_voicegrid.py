from hypothesis import given

from tunesmith.representation import get_tokenizer
from tunesmith.representation.base import Conditioning
from tunesmith.score import KeySignature, Score, TimeSignature, Track, note_array

from .strategies import PROPERTY, scores, token_ids

TOK = get_tokenizer("voicegrid", voices=2)
SATB = get_tokenizer("voicegrid")


def names(tok, ids):
    return [tok.vocab.name(i) for i in ids]


def test_one_token_per_voice_per_step():
    s = Score(tracks=(
        Track(note_array([(72, 0, 240), (72, 240, 480)]), name="soprano"),  # a repeated note stays two notes
        Track(note_array([(60, 240, 240)]), program=19),
    ), time_signatures=(TimeSignature(0, 2, 4),), key_signatures=(KeySignature(0, 0, "major"),))
    assert names(TOK, TOK.encode(s)) == [
        "BOS", "Style_none", "Key_C_major", "Meter_2/4", "Tempo_120",
        "Pitch_72", "Rest", "Hold", "Rest", "Pitch_72", "Pitch_60", "Hold", "Hold",
        "Hold", "Rest", "Hold", "Rest",
        "EOS",
    ]
    norm = TOK.normalize(s)
    assert [t.program for t in norm.tracks] == [0, 0] and norm.tracks[0].notes["start"].tolist() == [0, 240]
    assert TOK.decode(TOK.encode(s)) == norm


def test_normalize_makes_each_track_monophonic_by_skyline():
    # a chord in one voice keeps its top note; a held note is cut where the next begins
    s = Score(tracks=(Track(note_array([(60, 0, 960), (67, 0, 480), (64, 480, 480)])),))
    (top, other) = TOK.normalize(s).tracks
    assert top.notes.tolist() == [(0, 480, 67, 80), (480, 480, 64, 80)] and len(other) == 0


def test_voices_are_the_first_pitched_tracks():
    drums = Track(note_array([(36, 0, 480)]), is_drum=True)
    parts = [Track(note_array([(p, 0, 480)])) for p in (72, 67, 60)]
    norm = TOK.normalize(Score(tracks=(drums, *parts)))
    assert [t.notes["pitch"].tolist() for t in norm.tracks] == [[72], [67]]
    assert SATB.normalize(Score(tracks=(parts[0],))).tracks[1:] == (Track(note_array()),) * 3


def test_decode_never_fails():
    v = TOK.vocab
    ids = [v[n] for n in ("Hold", "Rest", "Rest", "Hold", "Pitch_60", "Hold", "Hold", "Hold", "Pitch_62")]
    s = TOK.decode(ids)  # Hold with nothing to hold is a rest; the last half step is ignored
    assert s.tracks[0].notes.tolist() == [(240, 240, 60, 80)] and len(s.tracks[1]) == 0


@PROPERTY
@given(scores)
def test_round_trip_equals_normalize(score):
    norm = SATB.normalize(score)
    assert SATB.decode(SATB.encode(score)) == norm
    assert SATB.decode(SATB.encode(norm)) == norm


@PROPERTY
@given(scores)
def test_round_trip_at_other_settings(score):
    tok = get_tokenizer("voicegrid", voices=3, steps_per_quarter=12, low=40, high=90)
    norm = tok.normalize(score)
    assert tok.decode(tok.encode(score)) == norm and tok.normalize(norm) == norm


@PROPERTY
@given(token_ids(len(SATB.vocab)))
def test_any_ids_decode_to_a_valid_score(ids):
    s = SATB.decode(ids)
    s.validate()
    assert len(s.tracks) == 4


def test_body_length_is_voices_times_steps():
    s = Score(tracks=(Track(note_array([(60, 0, 1920)])),))
    assert len(SATB.encode(s, Conditioning())) == 2 + 4 * 16


def test_corpus_sample_round_trips(corpus_sample):
    for score in corpus_sample:
        norm = SATB.normalize(score)
        assert SATB.decode(SATB.encode(score)) == norm
    for chorale in corpus_sample[:2]:  # four monophonic voices on a 16th grid: nothing is lost
        norm = SATB.normalize(chorale)
        assert [len(t) for t in norm.tracks] == [len(t) for t in chorale.tracks]
