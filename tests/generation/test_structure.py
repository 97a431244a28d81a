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


def test_a_phrase_plan_is_bach_s_two_bar_phrases_with_or_without_a_pickup():
    from tunesmith.generation.structure import phrase_plan

    plans = {seed: phrase_plan(bars=12, bar=16, beat=4, seed=seed) for seed in range(40)}
    down = next(p for p in plans.values() if p.start == 0)
    assert [e[:2] for e in down.ends] == [(24, 8), (56, 8), (88, 8), (120, 8), (152, 8), (184, 8)]  # beat 3, a half
    up = next(p for p in plans.values() if p.start == 12)  # a pickup on beat 4: fermatas a quarter, then pickups
    assert [e[:2] for e in up.ends] == [(40, 4), (72, 4), (104, 4), (136, 4), (184, 8)]
    assert 20 < sum(p.start == 12 for p in plans.values()) < 38  # 71% of Bach's 4/4 chorales have one
    kinds = [k for p in plans.values() for _, _, k in p.ends[:-1]]
    assert set(kinds) == {"I", "V", "rel"} and all(p.ends[-1][2] == "I" for p in plans.values())
    assert 0 < sum(p.free_final for p in plans.values()) < 15
    assert phrase_plan(12, 16, 4, seed=5) == phrase_plan(12, 16, 4, seed=5)


def test_a_chord_at_a_step_sets_melody_bass_and_a_third_then_holds():
    from tunesmith.generation.structure import ChordAt, chord_of

    c = ChordAt(4, 2, voices=(0, 1, 2, 3), **chord_of(9, "minor", "V7"))  # A minor: E G# B D
    step0 = [pid(69), pid(64), pid(57), pid(45)]
    g = grid_after(step0 * 1 + [HOLD] * 12)  # step 4, the soprano writes
    assert {p % 12 for p in pitches(g, c(g)[0])} == {4, 8, 11, 2}
    g = grid_after(step0 + [HOLD] * 12 + [pid(71), pid(64)])  # soprano B, alto E: the tenor needs the G#
    assert {p % 12 for p in pitches(g, c(g)[0])} == {8}
    g = grid_after(step0 + [HOLD] * 12 + [pid(71), pid(64), pid(56)])  # the bass: E, the root
    assert {p % 12 for p in pitches(g, c(g)[0])} == {4}
    g = grid_after(step0 + [HOLD] * 12 + [pid(71), pid(64), pid(56), pid(40), HOLD])  # step 5: hold
    assert np.flatnonzero(c(g)[0]).tolist() == [HOLD]


def test_a_composed_chorale_enters_together_and_has_its_cadences_under_fermatas():
    from tunesmith.generation.structure import phrase_plan

    model = build_model("transformer", size="debug", vocab_size=len(TOK.vocab))
    for seed in range(4):
        score, _ = compose(model, TOK, Request(key="G major", meter="4/4", bars=6, seed=seed))
        plan = phrase_plan(6, 16, 4, seed=seed)
        assert score.fermatas == tuple(step * 120 for step, _, _ in plan.ends)
        assert {int(t.notes["start"][0]) for t in score.tracks} == {plan.start * 120}  # together, on I
        assert {int(t.notes["pitch"][0]) % 12 for t in score.tracks} <= {7, 11, 2}
        bass = score.tracks[-1].notes
        for i, ((_, _, kind), tick) in enumerate(zip(plan.ends, score.fermatas)):
            root = {"I": 7, "V": 2, "rel": 4}[kind]  # G, D or E (minor)
            assert int(bass["pitch"][bass["start"] == tick][0]) % 12 == root
            if kind != "rel" and not (i == len(plan.ends) - 1 and plan.free_final):
                before = bass["pitch"][bass["start"] == tick - 480]  # the dominant on the beat before
                assert int(before[0]) % 12 == 2
    assert not compose(model, TOK, Request(key="G major", bars=6, seed=2, phrases=False))[0].fermatas


def test_contradicting_rules_are_a_clear_error_not_a_garbage_token():
    import pytest

    from tunesmith.errors import ConfigError
    from tunesmith.generation.structure import ChordAt, Silent, chord_of

    rules = Rules(TOK, 1, [Silent(8), ChordAt(0, 1, voices=(0, 1, 2, 3), **chord_of(0, "major", "I"))])
    with pytest.raises(ConfigError, match="nothing to write at step 0, voice 0"):
        rules.allowed()


def test_a_form_plan_repeats_phrases_all_but_their_last_bar():
    from tunesmith.generation.structure import FORMS, form_plan

    plans = [form_plan(bars=16, bar=16, seed=seed) for seed in range(60)]
    assert [(64, 112, 64), (192, 240, 64)] in plans  # AA'BB': bars 5-7 repeat 1-3, bars 13-15 repeat 9-11
    assert [(128, 176, 128)] in plans and [] in plans  # ABA'C, and through-composed
    assert 0.15 < sum(p == [] for p in plans) / 60 < 0.45 and FORMS["ABCD"] == 0.3
    assert form_plan(bars=6, bar=12, seed=0) == []  # one phrase: nothing to repeat


def test_a_tune_s_repeated_phrase_comes_back_note_for_note():
    from tunesmith.generation.structure import form_plan

    tok = get_tokenizer("voicegrid", voices=1)
    model = build_model("transformer", size="debug", vocab_size=len(tok.vocab))
    seed = next(s for s in range(40) if form_plan(8, 16, s))  # a form with a repeat: bars 5-7 are bars 1-3
    score, _ = compose(model, tok, Request(key="G major", meter="4/4", bars=8, seed=seed))
    notes = score.tracks[0].notes
    bar = 1920

    def bars(a, b):  # (start within the passage, duration, pitch) of the notes beginning in bars a..b-1
        n = notes[(notes["start"] >= a * bar) & (notes["start"] < b * bar)]
        return [(int(s) - a * bar, int(d), int(p)) for s, d, p in zip(n["start"], n["duration"], n["pitch"])]

    first, again = bars(0, 3), bars(4, 7)
    # the same notes (where a pickup's rests came first, the model may begin otherwise), but the last one may
    # be held on into the new last bar
    assert len(first) > 3 and again[-len(first):-1] == first[:-1] and again[-1][::2] == first[-1][::2]
    free, _ = compose(model, tok, Request(key="G major", meter="4/4", bars=8, seed=seed, phrases=False))
    n = free.tracks[0].notes
    assert [(int(s), int(p)) for s, p in zip(n["start"], n["pitch"]) if 4 * bar <= s < 7 * bar] != \
        [(int(s) + 4 * bar, p) for s, _, p in first]
