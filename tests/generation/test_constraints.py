import numpy as np
import pytest
import torch

from tunesmith.errors import ConfigError
from tunesmith.generation.constraints import (
    EndOnTonic,
    Grammar,
    Grid,
    HoldPenalty,
    Key,
    KeyPenalty,
    Length,
    MaxLeap,
    MaxRest,
    Rules,
    Scale,
    VoiceRange,
    Voices,
    check_feasible,
)
from tunesmith.representation import get_tokenizer

TOK = get_tokenizer("voicegrid", voices=2)


def pid(p):
    return TOK.vocab[f"Pitch_{p}"]


def allowed_pitches(mask_row):
    return {int(p) for p in Grid(TOK, 1).pitch_of[mask_row] if p >= 0}


def test_scale_masks_pitches_outside_c_major():
    g = Grid(TOK, 1)
    pcs = {p % 12 for p in allowed_pitches(Scale(0, "major")(g)[0])}
    assert pcs == {0, 2, 4, 5, 7, 9, 11}


def test_the_key_constraint_allows_what_the_metrics_call_in_key():
    from tunesmith.theory.scales import key_pitch_classes

    g = Grid(TOK, 1)
    pcs = {p % 12 for p in allowed_pitches(Key(9, "minor")(g)[0])}
    assert pcs == key_pitch_classes(9, "minor") == {9, 11, 0, 2, 4, 5, 6, 7, 8}


def test_voice_range_applies_to_the_writing_voice():
    g = Grid(TOK, 1)
    c = VoiceRange([(60, 72), (40, 50)])
    assert allowed_pitches(c(g)[0]) == set(range(60, 73))
    g.advance(torch.tensor([pid(64)]))  # voice 0 wrote; voice 1 is next
    assert allowed_pitches(c(g)[0]) == set(range(40, 51))


def test_max_leap_follows_the_last_pitch_of_the_same_voice():
    g = Grid(TOK, 1)
    g.advance(torch.tensor([pid(60)]))
    g.advance(torch.tensor([pid(40)]))
    assert allowed_pitches(MaxLeap(2)(g)[0]) == {58, 59, 60, 61, 62}


def test_grammar_allows_hold_only_while_a_note_sounds_and_eos_between_steps():
    g = Grid(TOK, 1)
    m = Grammar()(g)[0]
    assert not m[TOK.hold_id] and not m[TOK.vocab["EOS"]] and m[TOK.rest_id]
    g.advance(torch.tensor([pid(60)]))
    g.advance(torch.tensor([TOK.rest_id]))
    m = Grammar()(g)[0]
    assert m[TOK.hold_id] and m[TOK.vocab["EOS"]] and not m[TOK.vocab["BOS"]]


def test_length_forces_eos_at_the_end_only():
    g = Grid(TOK, 1)
    assert not Length(1)(g)[0, TOK.vocab["EOS"]]
    g.advance(torch.tensor([TOK.rest_id]))
    g.advance(torch.tensor([TOK.rest_id]))
    assert np.flatnonzero(Length(1)(g)[0]).tolist() == [TOK.vocab["EOS"]]


def test_end_on_tonic_starts_a_tonic_on_the_last_beat_and_holds_it():
    c = EndOnTonic(tonic=7, steps=4, beat=2, voices=(0,))
    g = Grid(TOK, 1)
    for _ in range(4):  # steps 0 and 1, two voices each
        g.advance(torch.tensor([TOK.rest_id]))
    assert {p % 12 for p in allowed_pitches(c(g)[0])} == {7}
    g.advance(torch.tensor([pid(67)]))
    g.advance(torch.tensor([TOK.rest_id]))
    assert np.flatnonzero(c(g)[0]).tolist() == [TOK.hold_id]


def test_voices_rests_the_extra_voices():
    g = Grid(TOK, 1)
    g.advance(torch.tensor([pid(60)]))
    assert set(np.flatnonzero(Voices(1)(g)[0]).tolist()) == {TOK.rest_id, TOK.vocab["EOS"]}


def test_soft_leap_is_relaxed_rather_than_emptying_a_row():
    rules = Rules(TOK, 1, [Grammar(), VoiceRange([(80, 90), (30, 40)]), MaxLeap(1)])
    rules.advance(torch.tensor([TOK.rest_id]))
    rules.advance(torch.tensor([pid(60)]))
    rules.grid.last_pitch[0, 0] = 60  # voice 0 last played 60: no in-range pitch within a semitone
    assert allowed_pitches(rules.allowed()[0]) == set(range(80, 91))


def test_impossible_requests_fail_before_generation():
    with pytest.raises(ConfigError, match="holds no note"):
        VoiceRange([(70, 60)])
    with pytest.raises(ConfigError, match="no pitch of the scale"):
        check_feasible(TOK, [Scale(0, "major"), VoiceRange([(61, 61), (40, 60)])])
    with pytest.raises(ConfigError):
        Scale(0, "no-such-scale")


def test_rules_keep_the_masks_by_key_and_give_the_same_masks():
    """Rules makes the combined mask once per combination of the constraints' keys: along random pieces, every
    mask equals the one made afresh, and far fewer are made than tokens written."""
    steps = 64
    cons = [Grammar(), Length(steps), Scale(0, "major"), VoiceRange([(60, 67), (48, 55)]), MaxLeap(5),
            EndOnTonic(tonic=0, steps=steps, beat=2, voices=(0, 1))]
    for batch in (1, 3):
        kept, fresh = Rules(TOK, batch, cons), Rules(TOK, batch, cons)
        fresh._keyed = False
        rng = np.random.default_rng(0)
        for _ in range(steps * 2 + 1):
            m = kept.allowed()
            assert np.array_equal(m, fresh.allowed())
            tokens = np.array([rng.choice(np.flatnonzero(row)) for row in m])
            kept.advance(tokens)
            fresh.advance(tokens)
        assert 0 < len(kept._memo) < steps * 2 + 1 and not fresh._memo
    assert len(kept._memo) > 0 and not m.flags.writeable


def test_preferences_bias_the_logits_without_masking():
    rules = Rules(TOK, 1, [Grammar(), KeyPenalty(frozenset({0, 2, 4, 5, 7, 9, 11}), 1.5), HoldPenalty(0.5)])
    assert rules.bias[pid(61)] == -1.5 and rules.bias[pid(60)] == 0 and rules.bias[TOK.hold_id] == -0.5
    assert rules.allowed()[0, pid(61)]  # a preference forbids nothing
    out = rules.constrain(np.zeros((1, len(TOK.vocab)), np.float32))
    assert out[0, pid(61)] == -1.5 and out[0, TOK.hold_id] == -np.inf  # Hold needs a sounding note
    with pytest.raises(ConfigError):
        HoldPenalty(-1)


def test_max_rest_makes_a_voice_sing_after_its_longest_rest():
    c = MaxRest(steps=2, voices=(0, 1))
    g = Grid(TOK, 1)
    for _ in range(2):  # two steps of rests in both voices
        assert c(g)[0, TOK.rest_id]
        g.advance([TOK.rest_id])
        g.advance([pid(48)] if g.step == 0 else [TOK.hold_id])  # voice 1 sings throughout
    assert not c(g)[0, TOK.rest_id] and c(g)[0, pid(60)]  # voice 0 rested 2 steps: it must sing
    g.advance([pid(60)])
    assert c(g)[0, TOK.rest_id]  # voice 1 sounds: it may rest
    assert MaxRest(steps=0, voices=(1,))(Grid(TOK, 1))[0, TOK.rest_id]  # voice 0 is not among them
