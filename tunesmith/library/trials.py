"""The blind listening test's trials and answers, and the report per model: how often listeners picked the
machine's excerpt, with a Wilson score interval (E. B. Wilson, "Probable inference, the law of succession,
and statistical inference", JASA 22, 1927). 50% means listeners cannot tell; BachBot's listeners were right
about 51% of the time (F. Liang, "BachBot", MPhil thesis, Cambridge 2016)."""

from __future__ import annotations

import math

from sqlalchemy import select

from tunesmith.errors import ConfigError
from tunesmith.library.schema import Trial, now


def add_trial(session, user_id: int, style: str, model: str, real_item: str, machine: str,
              excerpts: dict) -> Trial:
    if machine not in ("a", "b"):
        raise ConfigError("the machine's excerpt is 'a' or 'b'")
    trial = Trial(user_id=user_id, style=style, model=model, real_item=real_item, machine=machine,
                  excerpts=excerpts)
    session.add(trial)
    session.flush()
    return trial


def answer(session, user_id: int, trial_id: int, guess: str, like_a: int, like_b: int) -> Trial | None:
    """Store the listener's answer: which excerpt they think the machine wrote, and how much they liked each
    (1-5). None if the user has no such trial; ConfigError if it was answered already or the answer is bad."""
    trial = session.scalar(select(Trial).where(Trial.id == trial_id, Trial.user_id == user_id))
    if trial is None:
        return None
    if trial.guess is not None:
        raise ConfigError("this trial was answered already")
    if guess not in ("a", "b"):
        raise ConfigError("the guess is 'a' or 'b'")
    for like in (like_a, like_b):
        if isinstance(like, bool) or not isinstance(like, int) or not 1 <= like <= 5:
            raise ConfigError("how much you liked an excerpt is 1..5")
    trial.guess = guess
    trial.like_machine, trial.like_real = (like_a, like_b) if trial.machine == "a" else (like_b, like_a)
    trial.answered_at = now()
    session.flush()
    return trial


def wilson(successes: int, n: int, z: float = 1.959964) -> tuple[float, float]:
    """The Wilson score interval of a proportion (95% by default); (nan, nan) for n = 0."""
    if n == 0:
        return math.nan, math.nan
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def report(session) -> list[dict]:
    """Per (model, style): answered trials, the identification rate with its 95% interval, and the mean liking
    of the real and the machine's excerpts."""
    rows: dict[tuple[str, str], list[Trial]] = {}
    for t in session.scalars(select(Trial).where(Trial.guess.is_not(None))):
        rows.setdefault((t.model, t.style), []).append(t)
    out = []
    for (model, style), trials in sorted(rows.items()):
        n = len(trials)
        right = sum(t.guess == t.machine for t in trials)
        low, high = wilson(right, n)
        out.append({"model": model, "style": style, "trials": n, "identified": right,
                    "rate": right / n, "ci95": [low, high],
                    "like_real": sum(t.like_real for t in trials) / n,
                    "like_machine": sum(t.like_machine for t in trials) / n})
    return out
