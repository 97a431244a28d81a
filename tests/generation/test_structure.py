import numpy as np

from tunesmith.generation.compose import Request, compose
from tunesmith.generation.constraints import Grid, HoldPenalty, Rules
from tunesmith.generation.structure import BarlineHold, FinalChord, Opening
from tunesmith.models import build_model
from tunesmith.representation import get_tokenizer

TOK = get_tokenizer("voicegrid", voices=4)
REST, HOLD = TOK.rest_id, TOK.hold_id


def pid(p):
    return TOK.vocab[f"Pitch_{p}"]


def grid_after(tokens, batch=1):
    g = Grid(TOK, batch)
    for t in tokens:
        g.advance(np.full(batch, t))
    return g


def pitches(g, row):
    return {int(p) for p in g.pitch_of[row] if p >= 0}


def test_a_melody_silent_until_the_last_beat_of_bar_one_must_begin_there():
    c = Opening(bar=16, beat=4)
    silent = grid_after([REST] * 4 * 12)  # 12 steps of rest in every voice: step 12 = the last beat
    assert c(silent)[0][REST] == False and c(silent)[0][pid(60)]  # noqa: E712
    early = grid_after([REST] * 4 * 11)
    assert c(early)[0][REST]  # before the last beat the model may still rest
    sounding = grid_after([pid(67), REST, REST, REST] + [HOLD, REST, REST, REST] * 11)
    assert c(sounding)[0][REST]


def test_the_final_chord_is_a_complete_tonic_triad_held_to_the_end():
    c = FinalChord(tonic=9, mode="minor", steps=8, beat=4, voices=(1, 2))  # A minor, last beat at step 4
    body = [pid(69), pid(64), pid(57), pid(45)] + [HOLD] * 12  # steps 0-3
    g = grid_after(body + [pid(69)])  # step 4: the soprano took the tonic; the alto writes
    assert {p % 12 for p in pitches(g, c(g)[0])} == {9, 0, 1, 4}  # A, C or C# (Picardy), E
    g = grid_after(body + [pid(69), pid(64)])  # the alto took the fifth: the tenor must take a third
    assert {p % 12 for p in pitches(g, c(g)[0])} == {0, 1}
    g = grid_after(body + [pid(69), pid(61)])  # the alto has the (major) third: the tenor is free in the triad
    assert {p % 12 for p in pitches(g, c(g)[0])} == {9, 0, 1, 4}
    g = grid_after(body + [pid(69), pid(61), pid(57), pid(45), HOLD])  # step 5: the alto holds
    assert np.flatnonzero(c(g)[0]).tolist() == [HOLD]


def test_holding_over_a_bar_line_costs_more_than_within_the_bar():
    rules = Rules(TOK, 1, [HoldPenalty(0.25), BarlineHold(2.0, bar=16)])
    assert rules.bias[HOLD] == np.float32(-0.25)  # step 0
    for t in [pid(60), REST, REST, REST] + [HOLD, REST, REST, REST] * 15:
        rules.advance([t])
    assert rules.grid.step == 16 and rules.bias[HOLD] == np.float32(-2.25) and rules.bias[pid(62)] == 0


def test_composed_pieces_open_with_sound_and_end_on_a_tonic_triad():
    model = build_model("transformer", size="debug", vocab_size=len(TOK.vocab))
    for seed in range(3):
        score, _ = compose(model, TOK, Request(key="D major", meter="3/4", bars=3, seed=seed))
        first = min(int(t.notes["start"].min()) for t in score.tracks if len(t))
        assert first < 3 * 480  # a note begins in the first bar
        last = score.all_notes()
        last = last[last["start"] + last["duration"] == score.end]
        pcs = {int(p) % 12 for p in last["pitch"]}
        assert {2, 6} <= pcs <= {2, 6, 9}, pcs  # root and third, perhaps the fifth: nothing else


def test_an_open_key_is_drawn_from_the_prior_of_the_style():
    from collections import Counter

    import pytest

    from tunesmith.errors import ConfigError

    model = build_model("transformer", size="debug", vocab_size=len(TOK.vocab))
    prior = {"bach": {"D_minor": 3, "F_major": 1}, "irish": {"A_major": 1}}
    keys = Counter()
    for seed in range(12):
        score, _ = compose(model, TOK, Request(style="bach", bars=1, seed=seed, key_prior=prior))
        keys[score.key_signatures[0].name] += 1
    assert set(keys) == {"D minor", "F major"} and keys["D minor"] > keys["F major"]
    score, _ = compose(model, TOK, Request(style="chinese", bars=1, seed=0, key_prior=prior))  # no such style
    assert score.key_signatures[0].name in ("D minor", "F major", "A major")
    with pytest.raises(ConfigError, match="key prior"):
        Request(key_prior={"bach": {"H_major": 1}})
