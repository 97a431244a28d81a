import numpy as np

from tunesmith.evaluation import voice_leading as vl
from tunesmith.generation.compose import Request, compose
from tunesmith.generation.constraints import Grid
from tunesmith.generation.part_writing import VoiceLeading
from tunesmith.models import build_model
from tunesmith.representation import get_tokenizer

TOK = get_tokenizer("voicegrid", voices=4)
HOLD = TOK.hold_id


def pid(p):
    return TOK.vocab[f"Pitch_{p}"]


def grid_after(*steps):
    """A one-row grid after the given steps, each a token per voice (S, A, T, B), then voices of the next step."""
    g = Grid(TOK, 1)
    for step in steps:
        for token in step:
            g.advance(np.array([token]))
    return g


def allowed(g, **rules):
    row = VoiceLeading(**rules)(g)[0]
    return {int(p) for p in g.pitch_of[row] if p >= 0}


def test_a_parallel_fifth_or_octave_with_a_voice_above_is_refused():
    # soprano G4 over alto C4 (a fifth), then the soprano moves up to A4: the alto may not move up to D4
    g = grid_after((pid(67), pid(60), pid(48), pid(36)), (pid(69),))
    ok = allowed(g)
    assert 62 not in ok and 74 - 12 not in ok  # D4: fifths G-C -> A-D
    assert {61, 63, 65, 60} <= ok  # other motion, and a repeated C (not a move) stay
    # tenor a octave below the soprano before, soprano up a step: the tenor may not follow in octaves
    g = grid_after((pid(67), pid(60), pid(55), pid(36)), (pid(69), pid(60)))
    assert 57 not in allowed(g) and 59 in allowed(g)


def test_contrary_motion_and_held_voices_are_free():
    # soprano G4 over alto C4, soprano moves *down* to F4: alto up to D4 is not a parallel (contrary) ...
    g = grid_after((pid(67), pid(60), pid(48), pid(36)), (pid(65),))
    assert 62 in allowed(g)
    # ... and with the soprano holding, a fifth reached by the alto alone is not one either
    g = grid_after((pid(67), pid(60), pid(48), pid(36)), (HOLD,))
    assert all(p in allowed(g) for p in (59, 62, 64))


def test_inner_voices_may_cross_each_other_but_not_the_outer_ones():
    g = grid_after((pid(67), pid(60)))  # the tenor writes under a G4 soprano and a C4 alto
    assert max(allowed(g)) == 67 and max(allowed(g, crossing="all")) == 60
    g = grid_after((pid(67), pid(60), pid(55)))  # the bass: under every voice
    assert max(allowed(g)) == 55


def test_no_crossing_above_and_upper_voices_within_an_octave_if_asked():
    g = grid_after((pid(67),))  # the alto writes under a G4 soprano
    assert max(allowed(g)) == 67 and min(allowed(g)) < 50  # not above the soprano; spacing off by default
    assert min(allowed(g, spacing=True)) == 55  # not more than an octave below it
    g = grid_after((pid(67), pid(60), pid(52)))  # the bass under a tenor E3: far below is allowed
    assert min(allowed(g, spacing=True)) < 40 and max(allowed(g, spacing=True)) == 52


def test_composed_chorales_keep_the_rules_even_from_an_untrained_model():
    """A random model writes parallels and crossings all the time; with the constraint on, the metrics find no
    parallel, and crossings only where a held note is crossed by a voice above that moved (never refused)."""
    model = build_model("transformer", size="debug", vocab_size=len(TOK.vocab))
    counts = {}
    for on in (False, True):
        scores = [compose(model, TOK, Request(key="C major", meter="4/4", bars=4, seed=seed, voice_leading=on,
                                              phrases=False))[0] for seed in range(3)]
        counts[on] = (sum(vl.parallel_fifths(s) + vl.parallel_octaves(s) for s in scores),
                      sum(vl.voice_crossing_rate(s) for s in scores))
    assert counts[False][0] > 4 and counts[True][0] == 0, counts
    assert counts[True][1] < counts[False][1] * 0.6, counts  # inner voices may still cross each other


def test_the_one_row_path_gives_the_masks_of_the_array_path():
    """`_one` (plain Python, one row) and `_rows` (numpy, any batch) are the same rules: along random pieces,
    with every combination of rules, they agree at every token."""
    rng = np.random.default_rng(4)
    pitches = [pid(p) for p in range(40, 80)]
    for crossing in (True, "all", False):
        for parallels in (True, False):
            rules = VoiceLeading(parallels=parallels, crossing=crossing)
            g = Grid(TOK, 1)
            for _ in range(4 * 40):
                if g.voice:
                    assert np.array_equal(rules._one(g, g.voice), rules._rows(g, 1, g.voice)), (g.step, g.voice)
                t = rng.choice(pitches) if rng.random() < 0.6 or not g.sounding[0, g.voice] else HOLD
                g.advance(np.array([t]))
