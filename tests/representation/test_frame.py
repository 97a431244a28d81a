import gzip
import itertools
import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tunesmith.representation import get_tokenizer
from tunesmith.representation.base import Conditioning
from tunesmith.score import Metadata, Score, Tempo, TimeSignature, Track, note_array

from .strategies import PROPERTY, scores, token_ids

TOK = get_tokenizer("frame")
JSB = Path("/work/shared/data/pianoroll/JSB_Chorales.json.gz")


def names(ids):
    return [TOK.vocab.name(i) for i in ids]


def test_each_step_is_its_ascending_pitches_then_step():
    s = Score(tracks=(Track(note_array([(67, 0, 240), (60, 0, 480)])), Track(note_array([(64, 240, 120)]))),
              tempos=(Tempo(0, 90),), time_signatures=(TimeSignature(0, 3, 4),), metadata=Metadata(title="t"))
    assert names(TOK.encode(s)) == [
        "BOS", "Style_none", "Meter_3/4", "Tempo_84",
        "Pitch_60", "Pitch_67", "Step",
        "Pitch_60", "Pitch_67", "Step",
        "Pitch_60", "Pitch_64", "Step",
        "Pitch_60", "Step",
        "EOS",
    ]


def test_normalize_merges_tracks_and_repeated_notes():
    # two repeated quarter notes sound like one half note; drums and pitches out of range are dropped
    s = Score(tracks=(
        Track(note_array([(60, 0, 480), (60, 480, 480), (10, 0, 480)]), program=40, name="violin"),
        Track(note_array([(64, 960, 100)]), program=3),
        Track(note_array([(36, 0, 480)]), is_drum=True),
    ))
    norm = TOK.normalize(s)
    assert len(norm.tracks) == 1 and norm.tracks[0].program == 0 and norm.tracks[0].name == ""
    assert norm.tracks[0].notes.tolist() == [(0, 960, 60, 80), (960, 120, 64, 80)]
    assert TOK.decode(TOK.encode(s)) == norm


def test_leading_silence_is_kept_and_an_empty_score_has_one_empty_track():
    s = Score(tracks=(Track(note_array([(60, 480, 120)])),))
    assert names(TOK.encode(s, Conditioning())) == ["BOS", *["Step"] * 4, "Pitch_60", "Step", "EOS"]
    empty = TOK.decode(TOK.encode(Score()))
    assert len(empty.tracks) == 1 and empty.note_count == 0 and empty == TOK.normalize(Score())


@PROPERTY
@given(scores)
def test_round_trip_equals_normalize(score):
    norm = TOK.normalize(score)
    assert TOK.decode(TOK.encode(score)) == norm
    assert TOK.decode(TOK.encode(norm)) == norm


@PROPERTY
@given(scores)
def test_round_trip_at_other_settings(score):
    tok = get_tokenizer("frame", steps_per_quarter=3, low=48, high=72)
    norm = tok.normalize(score)
    assert tok.decode(tok.encode(score)) == norm and tok.normalize(norm) == norm


@PROPERTY
@given(token_ids(len(TOK.vocab)))
def test_any_ids_decode_to_a_valid_score(ids):
    TOK.decode(ids).validate()
    assert all(len(f) <= 88 for f in TOK.decode_frames(ids))


frames = st.lists(st.sets(st.integers(21, 108), max_size=6), max_size=20)


@PROPERTY
@given(frames)
def test_frames_round_trip(fs):
    ids = TOK.encode_frames(fs)
    assert TOK.decode_frames(ids) == fs
    assert len(ids) == 2 + len(fs) + sum(map(len, fs))
    prev = None  # every id is one the mask allows after the one before
    for i in ids[1:]:
        assert prev is None or TOK.next_mask(prev)[i]
        prev = i


def test_encode_frames_refuses_pitches_out_of_range():
    with pytest.raises(ValueError, match="outside"):
        TOK.encode_frames([{60}, {12}])
    assert TOK.decode_frames(TOK.encode_frames([set(), {60}])[:-2]) == [set()]  # a partial step is ignored


def test_step_token_sequences_are_one_to_one_with_pitch_sets_so_step_nll_is_exact():
    """A model over the tokens, masked to canonical order, is a proper distribution over a step's pitch set:
    the probabilities of the 2^n sets sum to one, and a set's NLL is the sum of its tokens' NLLs."""
    tok = get_tokenizer("frame", low=60, high=63)
    rng = np.random.default_rng(0)
    table = rng.normal(size=(len(tok.vocab), len(tok.vocab)))  # a toy model: logits given the last token

    def nll(ids, end):
        total = 0.0
        for prev, i in itertools.pairwise(ids):
            logits = np.where(tok.next_mask(prev, end=end), table[prev], -np.inf)
            total -= logits[i] - np.log(np.exp(logits - logits.max()).sum()) - logits.max()
        return total

    context = tok.encode_frames([{60, 62}])[:-1]  # BOS, then one step, ending on Step
    sets = [set(c) for r in range(5) for c in itertools.combinations(range(60, 64), r)]
    bodies = [tuple(tok.encode_frames([s])[1:-1]) for s in sets]
    assert len(set(bodies)) == len(sets)  # distinct sets, distinct token sequences
    assert all(tok.decode_frames(tok.encode_frames([s])) == [s] for s in sets)
    probs = [np.exp(-nll([context[-1], *b], end=False)) for b in bodies]
    assert sum(probs) == pytest.approx(1.0, abs=1e-12)
    eos = np.exp(-nll([context[-1], tok.vocab["EOS"]], end=True))
    with_end = [np.exp(-nll([context[-1], *b], end=True)) for b in bodies]
    assert sum(with_end) + eos == pytest.approx(1.0, abs=1e-12)


@pytest.mark.skipif(not JSB.is_file(), reason="piano-roll benchmark data not present")
def test_jsb_chorales_frames_round_trip():
    with gzip.open(JSB, "rt") as f:
        valid = json.load(f)["valid"]
    for seq in valid:
        fs = [set(step) for step in seq]
        assert TOK.decode_frames(TOK.encode_frames(fs)) == fs


def test_corpus_sample_round_trips(corpus_sample):
    for score in corpus_sample:
        norm = TOK.normalize(score)
        assert TOK.decode(TOK.encode(score)) == norm
        assert norm.note_count > 0
