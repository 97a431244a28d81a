"""RL Tuner: its rewards are the theory rules on a rollout's grid; its config refuses an empty or absurd reward
set; the policy is a sequence model (the shared contract); tuning raises the reward it is paid, and the frozen
original neither trains nor is saved."""

import numpy as np
import pytest
import torch

from tests.models.contract import V, check_all
from tunesmith.errors import ConfigError, TunesmithError
from tunesmith.models import build_model, model_config
from tunesmith.models.rewards import RULES, score_rules
from tunesmith.representation.voicegrid import VoiceGridTokenizer

TOK = VoiceGridTokenizer(voices=1)
P0, HOLD, REST = TOK.first_pitch_id, TOK.hold_id, TOK.rest_id


def grid(*pitches, step=4):
    """One voice, a note every `step` grid steps held to the next (None: a rest)."""
    cells = []
    for p in pitches:
        cells += [REST] * step if p is None else [P0 + p - 21] + [HOLD] * (step - 1)
    return np.array(cells)[:, None]


def scores(g, tonic=0, mode="major", bar=16):
    return dict(zip(RULES, score_rules(g, tonic, mode, bar, P0, HOLD, 21)))


def test_rewards_are_the_theory_rules():
    s = scores(grid(60, 62, 64, 65, 67, 65, 64, 62, 60, 62, 64, 65, 67, 65, 64, 60))
    assert s["key"] == 1 and s["tonic_start"] == 1 and s["tonic_end"] == 1 and s["repetition"] == 1
    assert s["motif"] == pytest.approx(1 / 3)  # bar 3 repeats bar 1's shape; bars 2 and 4 are new
    assert s["leaps_resolved"] == 1 and s["leap_runs"] == 1 and s["parallels"] == 1
    bad = scores(grid(61, 61, 61, 61, 61, 61, 61, 68, 75, 82, 89, 66))
    assert bad["key"] == pytest.approx(1 / 12) and bad["tonic_start"] == 0 and bad["tonic_end"] == 0
    assert bad["repetition"] == pytest.approx(1 - 2 / 12) and bad["leaps_resolved"] == pytest.approx(1 / 4)
    assert bad["leap_runs"] == pytest.approx(1 - 3 / 11)  # the 3rd, 4th and 5th leaps in a row (the last falls)
    assert not any(scores(grid(None, None, 60)).values())  # one note: silence keeps no rule


def test_parallel_fifths_between_voices_cost():
    upper, lower = grid(67, 69, 71, 72), grid(60, 62, 64, 65)
    assert scores(np.hstack([upper, lower]))["parallels"] == pytest.approx(1 / 4)  # three parallel fifths
    assert scores(np.hstack([upper, grid(60, 57, 55, 53)]))["parallels"] == 1


@pytest.mark.parametrize(("fields", "message"), [
    ({r: 0.0 for r in RULES}, "no reward: every rule's weight is 0"),
    ({"key": -1.0}, "key must be in 0..100"),
    ({"motif": 1e9}, "motif must be in 0..100"),
    ({"kl": float("nan")}, "kl must be a finite number"),
    ({"base": "no-such-model"}, "no model 'no-such-model' to tune"),
])
def test_empty_or_absurd_rewards_are_refused(fields, message):
    with pytest.raises((ConfigError, TunesmithError), match=message):
        model_config("rl-tuner", "debug", vocab_size=151, **fields)


def test_a_base_with_another_vocabulary_is_refused():
    with pytest.raises(ConfigError, match="folk has 151 tokens, the data 150"):
        build_model("rl-tuner", "debug", vocab_size=150, base="folk")


def test_the_policy_is_a_sequence_model():
    def factory():
        torch.manual_seed(0)
        return build_model("rl-tuner", "debug", vocab_size=V)

    check_all(factory)


def test_tuning_raises_the_reward_and_leaves_the_original_alone():
    torch.manual_seed(0)
    model = build_model("rl-tuner", "debug", vocab_size=len(TOK.vocab), steps=16, kl=0.0,
                        **{r: float(r == "key") for r in RULES})
    before = {k: v.clone() for k, v in model.reference.state_dict().items()}
    assert all(not k.startswith("reference") for k in model.state_dict())
    prompts = torch.tensor([TOK.vocab[t] for t in ("BOS", "Style_irish", "Key_C_major", "Meter_4/4", "Tempo_120")])
    prompts = prompts.repeat(16, 1)
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    rewards = []
    for _ in range(40):
        loss, logs = model.training_step((prompts,))
        opt.zero_grad()
        loss.backward()
        opt.step()
        rewards.append(float(logs["reward"]))
    assert np.mean(rewards[-8:]) > np.mean(rewards[:8]) + 0.15
    assert float(logs["kl"]) > 0  # it moved away from the original, which did not move
    assert all(torch.equal(before[k], v) for k, v in model.reference.state_dict().items())
