"""The motif preference: which token it favours where, and that composing with it brings the motif back."""

import numpy as np
import pytest
import torch

from tunesmith.errors import ConfigError
from tunesmith.evaluation.originality import build_index, melody_tokens, occurrences
from tunesmith.generation.compose import Request, compose
from tunesmith.generation.constraints import Grammar, Length, Rules
from tunesmith.generation.generate import generate
from tunesmith.generation.motif import MotifBias
from tunesmith.models import build_model
from tunesmith.representation import get_tokenizer
from tunesmith.score import Score, Track, note_array

TOK = get_tokenizer("voicegrid", voices=1)
Q = 480
NOTES = ((67, 0, Q), (69, Q, Q // 2), (71, 3 * Q // 2, Q // 2), (67, 2 * Q, Q))  # G A B G from a downbeat


def pitch(p):
    return TOK.first_pitch_id + p - TOK.pitch_range[0]


def written(*tokens):
    rules = Rules(TOK, 1, [])
    for t in tokens:
        rules.advance([t])
    return rules.grid


def test_it_holds_then_moves_as_the_motif_does():
    bias = MotifBias.of(NOTES, Q // 4, 16)  # sixteenth steps, 4/4
    assert bias.intervals == (2, 2, -4) and bias.steps == (4, 2, 2, 4) and bias.phase == 0
    hold = TOK.hold_id
    assert bias.target(written(pitch(60))) == ("hold",)  # a note on the downbeat may begin it
    assert bias.target(written(pitch(60), hold, hold, hold)) == ("pitch", pitch(62))  # a quarter, then up a step
    assert bias.target(written(pitch(60), hold, hold, hold, pitch(62))) == ("hold",)
    begun = written(pitch(60), hold, hold, hold, pitch(62), hold, pitch(64), hold)
    assert bias.target(begun) == ("pitch", pitch(60))  # the fourth note: down a major third
    assert bias.target(written(TOK.rest_id, pitch(60))) is None  # off the motif's place in the bar: not begun
    assert bias.target(written(pitch(60), hold, hold, hold, pitch(63))) is None  # a minor second: not the motif
    assert bias.target(written(pitch(60), TOK.rest_id)) is None  # resting
    vec = bias.bias(written(pitch(60), hold, hold, hold))
    assert vec[pitch(62)] == bias.nats and np.count_nonzero(vec) == 1


def test_a_strong_preference_brings_the_motif_back():
    torch.manual_seed(0)
    model = build_model("transformer", "debug", vocab_size=len(TOK.vocab), dropout=0.0)
    prompt = [TOK.vocab["BOS"], TOK.vocab["Meter_4/4"]]
    motif = Score(tracks=(Track(note_array(NOTES)),))
    for nats, expect in ((0.0, False), (50.0, True)):
        rules = Rules(TOK, 1, [Grammar(), Length(64), MotifBias.of(NOTES, Q // 4, 16, nats)])
        ids = generate(model, prompt, 65, TOK.vocab["EOS"], rules, seed=1)[0]
        piece = build_index([TOK.decode(ids)])
        assert (len(occurrences(piece, melody_tokens(motif))) > 0) == expect


def test_the_request_carries_a_motif_and_checks_it():
    tok = get_tokenizer("voicegrid", voices=4)
    torch.manual_seed(0)
    model = build_model("rnn", "debug", vocab_size=len(tok.vocab))
    score, _ = compose(model, tok, Request(key="G major", meter="4/4", bars=2, motif=NOTES))
    assert score.note_count > 0
    unordered = (NOTES[1], NOTES[0], NOTES[2])
    for bad in (NOTES[:2], ((67, 0, 0),) * 3, ((200, 0, Q), (60, Q, Q), (62, 2 * Q, Q)), unordered):
        with pytest.raises(ConfigError, match="a motif is"):
            Request(motif=bad)
