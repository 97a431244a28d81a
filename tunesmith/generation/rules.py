"""`Rules`: the constraints of one generation (tunesmith.generation.constraints and the modules beside it)
combined into the mask of the tokens allowed next, kept per combination of the constraints' keys, and their
preferences' biases summed; `check_feasible` fails early on a request no voice can sing."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from tunesmith.errors import ConfigError


class _Kept(NamedTuple):
    base: np.ndarray  # (B, V) the mask of every constraint but the volatile ones
    silent: np.ndarray  # (B, 1) rows where the hard ones allow no pitch


class Rules:
    """All constraints of a generation, ANDed; a soft constraint is dropped for a row where it would forbid
    every pitch the hard ones allow (so a voice never falls silent just to obey the leap limit). The
    preferences' biases add up in `bias` (V,), for the caller to add to the logits (`constrain` does both)."""

    MEMO_BYTES = 16 << 20  # masks kept (a few hundred combinations of keys for one piece)

    def __init__(self, tokenizer, batch: int, constraints):
        from tunesmith.generation.constraints import Grid  # which imports this module at its end

        self.grid = Grid(tokenizer, batch)
        constraints = list(constraints)
        self.biased = [c for c in constraints if hasattr(c, "bias")]
        constraints = [c for c in constraints if not hasattr(c, "bias")]
        self.hard = [c for c in constraints if not getattr(c, "soft", False)]
        self.soft = [c for c in constraints if getattr(c, "soft", False) and not getattr(c, "volatile", False)]
        # soft rules whose mask changes at nearly every token (what the voices above just wrote): applied last,
        # after the kept mask of the others, so that a change of theirs does not remake all of it
        self.volatile = [c for c in constraints if getattr(c, "soft", False) and getattr(c, "volatile", False)]
        self._biases: dict = {}
        self.all = self.hard + self.soft
        self._keyed = all(hasattr(c, "key") for c in self.all)
        self._memo: dict = {}

    @property
    def bias(self) -> np.ndarray | None:
        """The sum of the preferences' biases (V,) for the next token, read-only; None without any. A
        preference without `key` biases every token alike; one with `key(grid)` (where in the bar the token
        falls, say) is asked again for each new key, as the masks are."""
        if not self.biased:
            return None
        key = tuple(c.key(self.grid) if hasattr(c, "key") else None for c in self.biased)
        b = self._biases.get(key)
        if b is None:
            b = self._biases[key] = np.sum([c.bias(self.grid) for c in self.biased], axis=0, dtype=np.float32)
            b.flags.writeable = False
        return b

    def allowed(self) -> np.ndarray:
        """The tokens allowed next (B, V) bool, read-only: made once per combination of the constraints' keys."""
        g = self.grid
        key = (g.last_pitch.shape[0], *(c.key(g) for c in self.all)) if self._keyed else None  # beams grow B
        kept = self._memo.get(key)
        if kept is None:
            kept = self._make()
            kept.base.flags.writeable = False  # shared by every token with this key
            if key is not None and len(self._memo) * kept.base.size < self.MEMO_BYTES:
                self._memo[key] = kept
        m = kept.base
        if self.volatile:
            m = self._soften(m, kept.silent, self.volatile)
            m.flags.writeable = False
        return m

    def _make(self) -> np.ndarray:
        g = self.grid
        m = np.ones((g.last_pitch.shape[0], g.vocab_size), np.bool_)
        for c in self.hard:
            m &= c(g)
        silent = ~(m & g.is_pitch).any(-1, keepdims=True)  # rows where the hard rules allow no pitch
        m = self._soften(m, silent, self.soft)
        if not m.any(-1).all():  # hard rules that contradict each other here: say so, never draw garbage
            raise ConfigError(f"the constraints leave nothing to write at step {g.step}, voice {g.voice}: "
                              "ask for fewer or looser ones")
        return _Kept(m, silent)

    def _soften(self, m: np.ndarray, silent: np.ndarray, rules) -> np.ndarray:
        """`m` and each soft rule in turn, relaxed where the rule would take away every pitch the hard rules
        allow (a rule that is `soft="any"` only where it would leave nothing at all: it may ask for a Hold)."""
        g = self.grid
        for c in rules:
            both = m & c(g)
            if c.soft == "any":
                keep = both.any(-1, keepdims=True)
            else:
                keep = (both & g.is_pitch).any(-1, keepdims=True) | silent
            m = np.where(keep, both, m)
        return m

    def constrain(self, logits: np.ndarray) -> np.ndarray:
        """logits (B, V) with the preferences' bias added and -inf where the masks forbid."""
        bias = self.bias
        if bias is not None:
            logits = logits + bias
        return np.where(self.allowed(), logits, np.float32(-np.inf))

    def advance(self, tokens) -> None:
        self.grid.advance(tokens)

    def reorder(self, index) -> None:
        self.grid.reorder(index)


def check_feasible(tokenizer, constraints) -> None:
    """Fail before generation when a voice has no allowed pitch (scale x range x tonic)."""
    from tunesmith.generation.constraints import EndOnTonic, Scale, VoiceRange, Voices

    scale = next((c for c in constraints if isinstance(c, Scale)), None)
    ranges = next((c.ranges for c in constraints if isinstance(c, VoiceRange)), None)
    low, high = tokenizer.pitch_range
    n = next((c.n for c in constraints if isinstance(c, Voices)), tokenizer.config["voices"])
    for v in range(n):
        lo, hi = ranges[v] if ranges and v < len(ranges) else (low, high)
        pitches = [p for p in range(max(lo, low), min(hi, high) + 1) if scale is None or p % 12 in scale.pcs]
        if not pitches:
            raise ConfigError(f"voice {v}: no pitch of the scale lies in range {lo}..{hi}")
        for c in constraints:
            if isinstance(c, EndOnTonic) and v in c.voices and not any(p % 12 == c.tonic % 12 for p in pitches):
                raise ConfigError(f"voice {v}: the tonic has no pitch in range {lo}..{hi}")
