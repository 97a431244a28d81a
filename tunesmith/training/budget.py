"""Training for a wall-clock budget with a schedule that stays a function of the step: measure seconds per
step on the real data and model, then fix `max_steps`. The run is then reproducible from its step count."""

from __future__ import annotations

import dataclasses
import shutil
import tempfile
import time
from pathlib import Path

from tunesmith.training.config import RunConfig


def seconds_per_step(run: RunConfig, steps: int = 15) -> float:
    """Seconds per training step of `run`: the difference between a run of 3 and one of 3 + `steps` steps,
    so that start-up, the final evaluation and the checkpoint cancel out. A first run of 3 steps warms the
    caches (the data's pages, the kernels) and is not counted: cold, it could take longer than the timed
    steps of a fast model and make the difference negative (a VAE measured 6e-8 s a step)."""
    from tunesmith.training.trainer import train

    quiet = dataclasses.replace(run.train, eval_every=10**9, checkpoint_every=10**9, warmup_steps=1)
    times = []
    with tempfile.TemporaryDirectory(prefix="tunesmith-timing-") as tmp:
        for n in (3, 3, 3 + steps):
            out = Path(tmp) / str(n)
            t0 = time.perf_counter()
            train(dataclasses.replace(run, train=dataclasses.replace(quiet, max_steps=n)), out=out)
            times.append(time.perf_counter() - t0)
            shutil.rmtree(out, ignore_errors=True)
    return max(times[2] - times[1], 1e-6) / steps


def steps_for(run: RunConfig, minutes: float, floor: int = 50) -> int:
    """Training steps of `run` that fit in `minutes` of wall clock on this machine (at least `floor`)."""
    return max(floor, int(minutes * 60 / seconds_per_step(run)))
