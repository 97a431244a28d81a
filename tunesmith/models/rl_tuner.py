"""RL Tuner (Jaques, Gu, Turner and Eck, "Tuning recurrent neural networks with reinforcement learning", 2017):
a trained sequence model fine-tuned by policy gradient to keep music-theory rules (tunesmith.models.rewards),
held near what it learned by a KL penalty to a frozen copy of itself.

Each `training_step` samples a rollout of `steps` grid steps after each prompt (a training piece's conditioning
prefix: style, key, meter, tempo) from the policy, scores it, and returns the loss of

    J = E[R(rollout)] - kl * E[sum_t KL(pi(. | h_t) || pi0(. | h_t))]       R = sum_r weight_r * score_r

REINFORCE with a leave-one-out baseline (each rollout's reward less the mean of the batch's others), and the KL
at each sampled position computed exactly over the vocabulary, not from the sampled token: a lower-variance
version of RL Tuner's log p0(a) reward term. Why not PPO: one trainer step is one on-policy batch, so nothing
is carried between steps (exact resume and DDP as for every family), and with short rollouts, a leave-one-out
baseline and the exact KL the gradient is steady enough; PPO's reuse of each batch for several updates would
save rollouts at the price of a rollout buffer held across steps and a clipping range to tune.

Only the policy's weights are trained and saved: the frozen copy is rebuilt from `base` when the model is built
(shipped as a plain sequence model by tunesmith.training.rl). The policy runs without dropout while tuned, so
that the log-probabilities trained are those it sampled with.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import numpy as np
import torch
import torch.nn.functional as F

from tunesmith.errors import ConfigError, TunesmithError
from tunesmith.models.base import SequenceModel, State, check_config
from tunesmith.models.rewards import RULES, score_rules
from tunesmith.representation.voicegrid import VoiceGridTokenizer
from tunesmith.score.model import PITCH_CLASS_NAMES


def resolve_base(base: str) -> Path:
    """A shipped model's folder by name, or a checkpoint folder."""
    from tunesmith.models.checkpoint import find

    try:
        return find(base)
    except TunesmithError:
        raise TunesmithError(f"no model {base!r} to tune: give a shipped model's name or a checkpoint folder") from None


@dataclass(frozen=True)
class RLTunerConfig:
    vocab_size: int = 0
    base: str = ""  # the model to tune (shipped name or checkpoint folder); "" builds a fresh `policy` of `size`
    policy: str = "transformer"
    size: str = "debug"
    voices: int = 1  # the voice grid the base writes (tunesmith.representation.voicegrid)
    steps_per_quarter: int = 4
    low: int = 21
    steps: int = 64  # grid steps a rollout writes
    temperature: float = 1.0
    kl: float = 0.5  # reward units per nat of KL to the frozen base, summed over a rollout (0.05: far from the corpus)
    key: float = 1.0
    tonic_start: float = 1.0
    tonic_end: float = 1.0
    repetition: float = 1.0
    leaps_resolved: float = 1.0
    motif: float = 1.0
    leap_runs: float = 1.0
    parallels: float = 0.0

    SIZES: ClassVar[dict] = {"debug": {"size": "debug"}, "small": {"size": "small"}}
    BOUNDS: ClassVar[dict] = {"vocab_size": (0, 1 << 20), "voices": (1, 16), "steps_per_quarter": (1, 480),
                              "low": (0, 127), "steps": (1, 4096), "temperature": (0.05, 10), "kl": (0, 100),
                              **{r: (0, 100) for r in RULES}}

    def weights(self) -> np.ndarray:
        return np.array([getattr(self, r) for r in RULES])

    def parameters(self) -> int:
        from tunesmith.models import model_config

        if self.base:
            from tunesmith.models.checkpoint import read_config

            entry = read_config(resolve_base(self.base))["model"]
            return model_config(entry["name"], **entry["config"]).parameters()
        return model_config(self.policy, self.size, vocab_size=self.vocab_size).parameters()

    def __post_init__(self):
        check_config(self)
        if not self.weights().any():
            raise ConfigError(f"no reward: every rule's weight is 0; give at least one of {', '.join(RULES)}")


class RLTuner(SequenceModel):
    """A policy (any sequence model) and its frozen original; the sequence-model contract is the policy's."""

    name = "rl-tuner"
    data_kind = "prompts"  # tunesmith.training.prompts: conditioning prefixes to roll out from

    def __init__(self, config: RLTunerConfig):
        super().__init__(config)
        from tunesmith.models import build_model
        from tunesmith.models.checkpoint import load_model

        if config.base:
            policy, tokenizer, _ = load_model(resolve_base(config.base))
            mine = {"voices": config.voices, "steps_per_quarter": config.steps_per_quarter, "low": config.low}
            theirs = {k: tokenizer.get("config", {}).get(k) for k in mine}
            if tokenizer.get("name") != "voicegrid" or theirs != mine:
                raise ConfigError(f"{config.base}: its tokenizer {tokenizer} is not the voice grid {mine}")
            if policy.config.vocab_size != config.vocab_size:
                raise ConfigError(f"{config.base} has {policy.config.vocab_size} tokens, the data "
                                  f"{config.vocab_size}")
        else:
            policy = build_model(config.policy, config.size, vocab_size=config.vocab_size)
        self.policy = policy
        reference = copy.deepcopy(policy).eval().requires_grad_(False)
        self.__dict__["reference"] = reference  # not a submodule: neither trained, nor saved, nor moved by .to()
        tok = VoiceGridTokenizer(config.voices, config.steps_per_quarter, config.low, 127)
        self.names = tok.vocab.names  # conditioning tokens and Rest come at the same ids whatever the range
        self.rest_id, self.hold_id, self.first_pitch_id = tok.rest_id, tok.hold_id, tok.first_pitch_id

    @property
    def embed(self):
        return self.policy.embed

    @property
    def attends(self) -> bool:
        return self.policy.attends

    def logits(self, ids):
        return self.policy.logits(ids)

    def init_state(self, batch_size: int, device=None) -> State:
        return self.policy.init_state(batch_size, device)

    def forward_incremental(self, ids, state: State):
        return self.policy.forward_incremental(ids, state)

    def attention(self, ids):
        return self.policy.attention(ids)

    def num_params(self, embedding: bool = True) -> int:
        return self.policy.num_params(embedding)

    def flops_per_token(self, context: int) -> float:
        return self.policy.flops_per_token(context)

    # --- tuning ------------------------------------------------------------------------------------------
    def _masked(self, logits):
        """Log-probabilities over body tokens only (Rest, Hold, Pitch) at the rollout temperature."""
        body = torch.arange(logits.size(-1), device=logits.device) >= self.rest_id
        return F.log_softmax(logits.float().masked_fill(~body, -math.inf) / self.config.temperature, dim=-1)

    @torch.no_grad()
    def rollout(self, prompts: torch.Tensor) -> torch.Tensor:
        """prompts (B, P) -> (B, P + steps * voices): each prompt and what the policy samples after it."""
        tokens = self.config.steps * self.config.voices
        state = self.policy.init_state(prompts.size(0), prompts.device)
        logits, state = self.policy.forward_incremental(prompts, state)
        out = [prompts]
        for i in range(tokens):
            nxt = torch.multinomial(self._masked(logits[:, -1]).exp(), 1)  # (B, 1), from torch's global stream
            out.append(nxt)
            if i + 1 < tokens:
                logits, state = self.policy.forward_incremental(nxt, state)
        return torch.cat(out, dim=1)

    def scores(self, rollouts: torch.Tensor, prompts: torch.Tensor) -> np.ndarray:
        """(B, len(RULES)) rule scores of rollouts (B, P + T) after prompts (B, P) with Key and Meter tokens."""
        c, names = self.config, self.names
        body = rollouts[:, prompts.size(1):].cpu().numpy().reshape(len(rollouts), c.steps, c.voices)
        out = np.zeros((len(rollouts), len(RULES)))
        for b, prompt in enumerate(prompts.cpu().tolist()):
            cond = dict(names[i].split("_", 1) for i in prompt if i < len(names) and "_" in names[i])
            if "Key" not in cond or "Meter" not in cond:
                raise TunesmithError("a rollout's prompt needs a Key and a Meter token")
            tonic, mode = cond["Key"].split("_")
            n, d = (int(x) for x in cond["Meter"].split("/")) if cond["Meter"] != "other" else (4, 4)
            bar = max(1, 4 * n * c.steps_per_quarter // d)
            out[b] = score_rules(body[b], PITCH_CLASS_NAMES.index(tonic), mode, bar, self.first_pitch_id,
                                 self.hold_id, c.low)
        return out

    def training_step(self, batch):
        (prompts,) = batch
        c = self.config
        was = self.policy.training
        self.policy.eval()  # no dropout: the log-probabilities trained are those sampled with
        reference = self.reference.to(prompts.device)
        try:
            seq = self.rollout(prompts)
            p = prompts.size(1)
            logp = self._masked(self.policy.logits(seq[:, :-1])[:, p - 1:])  # (B, T, V)
            with torch.no_grad():
                ref = self._masked(reference.logits(seq[:, :-1])[:, p - 1:])
        finally:
            self.policy.train(was)
        actions = seq[:, p:]
        logp_a = logp.gather(-1, actions[..., None])[..., 0]  # (B, T)
        probs = logp.exp()
        kl_t = (probs * (logp - ref).nan_to_num(0.0, 0.0, 0.0)).sum(-1)  # (B, T); masked tokens: 0 * (-inf + inf)
        scores = self.scores(seq, prompts)
        reward = torch.as_tensor(scores @ c.weights(), dtype=torch.float32, device=seq.device)  # (B,)
        n = len(reward)
        baseline = (reward.sum() - reward) / (n - 1) if n > 1 else torch.zeros_like(reward)
        advantage = reward - baseline
        tokens = actions.size(1)
        loss = (-(advantage * logp_a.sum(1)) + c.kl * kl_t.sum(1)).mean() / tokens
        logs = {"reward": reward.mean(), "kl": kl_t.mean().detach(),
                "entropy": -(probs * logp.nan_to_num(0.0, 0.0, 0.0)).sum(-1).mean().detach()}
        logs |= {f"rule/{r}": torch.tensor(float(scores[:, i].mean())) for i, r in enumerate(RULES)}
        return loss, logs
