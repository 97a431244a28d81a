import numpy as np
import pytest
import torch

from tunesmith.errors import ConfigError
from tunesmith.generation.compose import Request, compose, continue_score, meter_steps, parse_key, stream_notes
from tunesmith.models import build_model
from tunesmith.representation import get_tokenizer
from tunesmith.score import Score, TimeSignature, Track, note_array

TOK = get_tokenizer("voicegrid", voices=4)


@pytest.fixture(scope="module")
def model():
    torch.manual_seed(0)
    return build_model("rnn", size="debug", vocab_size=len(TOK.vocab))


def test_parse_key_and_meter_steps():
    assert parse_key("G major") == "G_major" and parse_key("em") == "E_minor" and parse_key("Bb") == "Bb_major"
    assert parse_key("F#m") == "F#_minor"
    with pytest.raises(ConfigError, match="cannot read key"):
        parse_key("H dorian")
    assert meter_steps("4/4", 4) == (16, 4) and meter_steps("6/8", 4) == (12, 6) and meter_steps("3/4", 4) == (12, 4)


def test_compose_meets_the_request(model):
    req = Request(key="D major", meter="3/4", bars=4, seed=5, tempo=90, in_key=True)
    score, ids = compose(model, TOK, req)
    assert score.time_signatures[0].numerator == 3 and score.tempos[0].qpm == 90
    assert score.key_signatures[0].tonic == 2 and score.key_signatures[0].mode == "major"
    assert score.end <= 4 * 3 * 480
    d_major = {2, 4, 6, 7, 9, 11, 1}
    for t in score.tracks:
        assert set((t.notes["pitch"] % 12).tolist()) <= d_major
    melody = score.tracks[0].notes
    assert melody["pitch"][-1] % 12 == 2 and melody["start"][-1] + melody["duration"][-1] == 4 * 3 * 480
    again, _ = compose(model, TOK, req)
    assert again == score


def test_open_conditioning_is_drawn_from_the_model(model):
    score, ids = compose(model, TOK, Request(bars=2, seed=1))
    names = [TOK.vocab.name(i) for i in ids[:5]]
    assert [n.split("_")[0] for n in names] == ["BOS", "Style", "Key", "Meter", "Tempo"]
    assert names[3] != "Meter_other"


def test_bad_requests_fail_before_generation(model):
    with pytest.raises(ConfigError):
        compose(model, TOK, Request(bars=0))
    with pytest.raises(ConfigError, match="no pitch"):
        compose(model, TOK, Request(key="C major", in_key=True, ranges=((61, 61), (50, 60), (40, 50), (30, 40))))
    with pytest.raises(ConfigError, match="meter"):
        compose(model, TOK, Request(meter="7/16"))
    with pytest.raises(ConfigError, match="key penalty"):
        compose(model, TOK, Request(key_penalty=-1))


def test_the_soft_key_makes_notes_outside_it_rarer_without_forbidding_them(model):
    """The key penalty takes nats from pitches outside the scale: it leaves fewer of them than none, and
    unlike the strict mask (in_key) it forbids none (top_p=1: a nucleus would cut the rarer ones off)."""
    c_major = {0, 2, 4, 5, 7, 9, 11}

    def outside(**kw):
        pitches = []
        for seed in range(6):
            score, _ = compose(model, TOK, Request(key="C major", bars=4, seed=seed, max_leap=None, top_p=1.0, **kw))
            pitches += [int(p) % 12 for t in score.tracks for p in t.notes["pitch"]]
        return sum(p not in c_major for p in pitches) / len(pitches)

    free, soft, strict = outside(key_penalty=0), outside(key_penalty=1), outside(in_key=True)
    assert strict == 0 < soft < free


def test_continuation_keeps_the_primer(model):
    primer = Score(tracks=(Track(note_array([(67, 0, 480), (69, 480, 480), (71, 960, 960)])),),
                   time_signatures=(TimeSignature(0, 4, 4),))
    out = continue_score(model, TOK, primer, Request(bars=2, seed=2))
    first = out.tracks[0].notes
    assert np.array_equal(first[: len(primer.tracks[0])], primer.tracks[0].notes)
    assert out.time_signatures[0] == TimeSignature(0, 4, 4)
    later = np.concatenate([t.notes for t in out.tracks])
    assert later["start"].max() >= 1920 and out.end <= 1920 * 3


def test_stream_yields_the_notes_of_the_piece(model):
    req = Request(key="C major", meter="4/4", bars=2, seed=9)
    streamed = list(stream_notes(model, TOK, req))
    score, _ = compose(model, TOK, req)
    got = sorted((n.pitch, n.start, n.duration) for n in streamed)
    want = sorted((int(n["pitch"]), int(n["start"]), int(n["duration"])) for t in score.tracks for n in t.notes)
    assert got == want and len(got) > 0


def test_the_hold_penalty_makes_more_shorter_notes(model):
    def notes(**kw):
        return sum(len(t.notes) for seed in range(4)
                   for t in compose(model, TOK, Request(key="C major", bars=4, seed=seed, top_p=1.0, **kw))[0].tracks)

    assert notes(hold_penalty=2.0) > notes(hold_penalty=0.0)
    with pytest.raises(ConfigError, match="hold penalty"):
        compose(model, TOK, Request(hold_penalty=-0.5))


class Resting(torch.nn.Module):
    """A model that likes to rest: e^6 times more than the model it wraps."""

    def __init__(self, model):
        super().__init__()
        self.inner = model

    def init_state(self, batch):
        return self.inner.init_state(batch)

    def forward_incremental(self, ids, state):
        logits, state = self.inner.forward_incremental(ids, state)
        return logits + 6.0 * (torch.arange(logits.shape[-1]) == TOK.rest_id), state

    def step(self, ids, state):
        logits, state = self.forward_incremental(ids[:, None], state)
        return logits[:, -1], state


def test_no_playing_voice_rests_longer_than_max_rest(model):
    def longest_rest(max_rest):
        req = Request(style="bach", key="C major", meter="4/4", tempo=90, bars=4, seed=0, max_rest=max_rest)
        _, ids = compose(Resting(model), TOK, req)
        body = np.array(ids[5:-1]).reshape(-1, 4)  # (steps, voices)
        longest = 0
        for v in range(4):
            run = 0
            for t in body[:, v]:
                run = run + 1 if t == TOK.rest_id else 0
                longest = max(longest, run)
        return longest

    assert longest_rest(None) > 16  # left alone, this model falls silent for bars
    assert longest_rest(1.0) <= 16 and longest_rest(0.25) <= 4
