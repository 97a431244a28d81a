"""Training: run configs from TOML presets, the one trainer, schedules and self-describing checkpoints.

Importing this package is cheap; torch loads with the submodules that need it.
"""

from __future__ import annotations

__all__ = ["RunConfig", "TrainConfig", "load_model", "load_preset", "presets", "train"]


def __getattr__(name):
    if name in ("RunConfig", "TrainConfig", "load_preset", "presets"):
        from tunesmith.training import config

        return getattr(config, name)
    if name == "train":
        from tunesmith.training.trainer import train

        return train
    if name == "load_model":
        from tunesmith.models.checkpoint import load_model

        return load_model
    raise AttributeError(name)
