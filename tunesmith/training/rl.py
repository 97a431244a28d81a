"""The RL tuning job: fine-tune a trained model with music-theory rewards and a KL penalty to itself
(tunesmith.models.rl_tuner) through the one trainer, then export the tuned policy as a plain checkpoint of its
own family, which composes like any model.

    result, model_dir = tune_rl("folk", minutes=10, out="runs/folk-rl")
    tunesmith compose --model runs/folk-rl/model

What is validated (every weight, the data's vocabulary against the model's) is validated before anything is
written; the run folder holds the trainer's checkpoints and metrics (reward and each rule's score, the KL, and
the NLL of held-out real pieces: how far the model drifted), `model/` the tuned model."""

from __future__ import annotations

import math
from pathlib import Path

from tunesmith.errors import ConfigError

DEFAULTS = {"batch_size": 16, "lr": 1e-4, "steps": 64, "kl": 0.5, "eval_every": 50, "eval_tokens": 65536}


def parse_rewards(text: str) -> dict[str, float]:
    """"key=1,tonic_end=2" -> {"key": 1.0, "tonic_end": 2.0}; an empty text is an empty set (refused later)."""
    from tunesmith.models.rewards import RULES

    out = {}
    for item in filter(None, (s.strip() for s in text.split(","))):
        name, sep, value = item.partition("=")
        name = name.strip()
        if name not in RULES:
            raise ConfigError(f"unknown reward {name!r}; valid: {', '.join(RULES)}")
        try:
            out[name] = float(value) if sep else 1.0
        except ValueError:
            raise ConfigError(f"reward {name}: {value!r} is not a number") from None
    return out


def run_config(model: str = "folk", minutes: float = 10.0, rewards: dict | None = None, data: str | None = None,
               seed: int = 0, max_steps: int = 100_000, **settings):
    """The trainer's RunConfig for tuning `model`: `rewards` {rule: weight} replaces the default weights when
    given (rules left out weigh 0); `settings` override DEFAULTS. Every value is checked here."""
    from tunesmith.models.checkpoint import read_config
    from tunesmith.models.rewards import RULES
    from tunesmith.models.rl_tuner import RLTunerConfig, resolve_base
    from tunesmith.training.config import RunConfig, TrainConfig

    unknown = sorted(set(settings) - set(DEFAULTS))
    if unknown:
        raise ConfigError(f"unknown setting(s) {', '.join(unknown)}; valid: {', '.join(DEFAULTS)}")
    if not (isinstance(minutes, int | float) and math.isfinite(minutes) and 0 < minutes <= 24 * 60):
        raise ConfigError(f"minutes must be in (0, 1440], got {minutes}")
    s = {**DEFAULTS, **settings}
    base = resolve_base(model)
    config = read_config(base)
    tok = config["tokenizer"]
    if tok.get("name") != "voicegrid":
        raise ConfigError(f"{model}: RL tuning reads voice grids; this model writes {tok.get('name')}")
    voices = int(tok["config"]["voices"])
    weights = {r: float(getattr(RLTunerConfig, r)) for r in RULES}
    weights["parallels"] = 1.0 if voices > 1 else 0.0
    if rewards is not None:
        weights = {r: float(rewards.get(r, 0.0)) for r in RULES}
    cfg = RLTunerConfig(vocab_size=len(config["vocab"]), base=str(base.resolve()), voices=voices,
                        steps_per_quarter=int(tok["config"]["steps_per_quarter"]), low=int(tok["config"]["low"]),
                        steps=int(s["steps"]), kl=float(s["kl"]), **weights)
    train = TrainConfig(batch_size=int(s["batch_size"]), max_steps=max_steps, lr=float(s["lr"]), warmup_steps=10,
                        schedule="constant", weight_decay=0.0, eval_every=int(s["eval_every"]),
                        eval_tokens=int(s["eval_tokens"]), checkpoint_every=int(s["eval_every"]),
                        max_minutes=float(minutes), log_every=5, seed=seed)
    return RunConfig(data=data or config["run"]["data"], model="rl-tuner", size="small", model_config=cfg,
                     train=train)


def tune_rl(model: str = "folk", minutes: float = 10.0, out="runs/folk-rl", rewards: dict | None = None,
            data: str | None = None, seed: int = 0, max_steps: int = 100_000, progress: bool = False,
            resume=None, **settings):
    """Tune `model` for `minutes` (or `max_steps`) and export it to `out/model`; returns (trainer Result, path)."""
    from tunesmith.data.arrays import TokenArrays
    from tunesmith.models.checkpoint import read_config
    from tunesmith.training.data import resolve_data
    from tunesmith.training.trainer import train

    run = run_config(model, minutes, rewards, data, seed, max_steps, **settings)
    base = read_config(run.model_config.base)
    vocab = TokenArrays.load(resolve_data(run.data)).meta["vocab"]
    if vocab != base["vocab"]:
        raise ConfigError(f"{run.data}: its vocabulary is not the one {model} was trained with")
    result = train(run, out, resume=resume, progress=progress)
    return result, export(result, base, Path(out) / "model")


def export(result, base: dict, folder) -> Path:
    """The tuned policy as a checkpoint of its own family: its base's model, tokenizer, vocabulary, run and
    compose settings; the data it was tuned and validated on, its validation NLL now (the base's beside it)
    and the tuning; with the base's originality index when it ships one (the same training pieces)."""
    import shutil

    from tunesmith.models.checkpoint import latest, read_config, save
    from tunesmith.models.rewards import RULES

    tuner = result.model
    c = tuner.config
    last = read_config(latest(result.out))
    tuning = {"method": "RL Tuner: REINFORCE, leave-one-out baseline, exact KL to the frozen base",
              "base": c.base, "steps": result.step, "rollout_steps": c.steps, "kl": c.kl,
              "rewards": {r: float(getattr(c, r)) for r in RULES}, "run": last["run"]}
    config = {k: v for k, v in base.items() if k not in ("format", "step", "metrics", "trainer", "data")}
    config |= {"step": base.get("step", 0), "tuning": tuning, "data": last["data"],
               "metrics": {"valid_nll": result.valid_nll, "base_valid_nll": base.get("metrics", {}).get("valid_nll"),
                           "unigram_nll": result.unigram_nll}}
    save(folder, tuner.policy, config)
    index = Path(c.base) / "originality"
    if index.is_dir() and not (Path(folder) / "originality").exists():
        shutil.copytree(index, Path(folder) / "originality")
    return Path(folder)
