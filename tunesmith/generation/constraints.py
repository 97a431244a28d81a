"""Musical constraints as composable masks over the next token, and soft preferences as biases of its logits.

A `Grid` follows a voice-grid sequence as it grows (which voice writes next, at which step, what each
voice last played); each constraint is a small callable `grid -> (B, V)` numpy bool array of allowed
tokens, testable alone. `Rules` ANDs them, and relaxes only the soft ones (largest leap) in a row they would
leave empty. They run once per generated token, so the masks that depend on the vocabulary only are made
once (`Grid.mask`), and a constraint may name what else its mask depends on (`key(grid)`: equal keys, equal
masks) so that `Rules` makes the combined mask once per combination of keys.
A preference (`KeyPenalty`, `HoldPenalty`) is a fixed `bias(grid) -> (V,)` added to the logits before the
masks: it makes tokens less likely without forbidding them. Impossible requests (an empty scale, a range with
no note of the key) fail before generation starts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numba import njit

from tunesmith.errors import ConfigError
from tunesmith.theory.scales import key_pitch_classes, scale_pitch_classes


@njit(cache=True)
def _advance(tokens, v, pitch_of, hold, rest, last_pitch, sounding, resting):
    """The grid's state after voice v wrote tokens (B,): one compiled call, as it runs once per token."""
    for b in range(len(tokens)):
        t = tokens[b]
        if pitch_of[t] >= 0:
            last_pitch[b, v] = pitch_of[t]
        sounding[b, v] = pitch_of[t] >= 0 or (t == hold and sounding[b, v])
        resting[b, v] = resting[b, v] + 1 if t == rest else 0


class Grid:
    """Where a batch of voice-grid sequences stands: `voice` and `step` of the next token (shared by the batch,
    which grows in lockstep), each voice's last pitch (-1 none), whether it sounds now, and for how many steps
    it has rested."""

    def __init__(self, tokenizer, batch: int):
        self.tok = tokenizer
        self.voices = tokenizer.config["voices"]
        self.vocab_size = len(tokenizer.vocab)
        low, high = tokenizer.pitch_range
        pitch_of = np.full(self.vocab_size, -1, np.int64)
        pitch_of[tokenizer.first_pitch_id: tokenizer.first_pitch_id + high - low + 1] = np.arange(low, high + 1)
        self.pitch_of = pitch_of  # (V,) MIDI pitch of each Pitch token, -1 for other tokens
        self.is_pitch = pitch_of >= 0
        self.is_hold = np.arange(self.vocab_size) == tokenizer.hold_id
        self.position = 0  # body tokens written so far
        self.last_pitch = np.full((batch, self.voices), -1, np.int64)
        self.sounding = np.zeros((batch, self.voices), np.bool_)
        self.resting = np.zeros((batch, self.voices), np.int64)  # steps in a row written as Rest
        # the pitch each voice sounded before it last wrote (REST = -1 if none): for a voice already written at
        # this step, its pitch at the step before; what voice-leading rules compare with
        self.previous = np.full((batch, self.voices), -1, np.int64)
        self.history: list[tuple[np.ndarray, np.ndarray]] = []  # per body position: see `written`
        self._masks: dict = {}

    @property
    def voice(self) -> int:
        return self.position % self.voices

    @property
    def step(self) -> int:
        return self.position // self.voices

    def sounding_pitch(self, v: int) -> np.ndarray:
        """(B,) the pitch voice v sounds now (after what it wrote last), -1 where it rests."""
        return np.where(self.sounding[:, v], self.last_pitch[:, v], -1)

    def advance(self, tokens) -> None:
        """Record the tokens (B,) just written by the current voice (any integer array: numpy, torch, list)."""
        tokens = np.asarray(tokens, np.int64)
        self.previous[:, self.voice] = self.sounding_pitch(self.voice)
        self.history.append((tokens.copy(), np.where(self.sounding[:, self.voice], self.last_pitch[:, self.voice], -1)))
        _advance(tokens, self.voice, self.pitch_of, self.tok.hold_id, self.tok.rest_id,
                 self.last_pitch, self.sounding, self.resting)
        self.position += 1

    def written(self, position: int) -> tuple[np.ndarray, np.ndarray]:
        """(tokens (B,), the pitch then sounding in that voice before it (B,), -1 none) at a body position."""
        return self.history[position]

    def reorder(self, index) -> None:
        index = np.asarray(index)
        self.last_pitch, self.sounding, self.resting = self.last_pitch[index], self.sounding[index], self.resting[index]
        self.previous = self.previous[index]
        self.history = [(t[index], p[index]) for t, p in self.history]

    def mask(self, key, make) -> np.ndarray:
        """The array `make()` (a (V,) mask, or a table of them), made once per `key`: for what depends on the
        vocabulary only. Shared, so read-only: broadcast it to (B, V), index it, combine it into new ones."""
        m = self._masks.get(key)
        if m is None:
            m = self._masks[key] = make()
            m.flags.writeable = False
        return m

    def allow(self, batch: int, ids) -> np.ndarray:
        """Only the tokens `ids`, for each of `batch` rows."""
        ids = tuple(ids)

        def make():
            m = np.zeros(self.vocab_size, np.bool_)
            m[list(ids)] = True
            return m

        return self.rows(self.mask(("allow", ids), make), batch)

    def everything(self, batch: int) -> np.ndarray:
        """Every token, for each of `batch` rows: kept, as most constraints answer it at most tokens."""
        return self.mask(("everything", batch), lambda: np.ones((batch, self.vocab_size), np.bool_))

    @staticmethod
    def rows(mask: np.ndarray, batch: int) -> np.ndarray:
        """A (V,) mask as a read-only view (batch, V)."""
        return np.broadcast_to(mask, (batch, len(mask)))


# --- the constraints ----------------------------------------------------------------------------------------
@dataclass
class Grammar:
    """Only Rest, Pitch, and Hold while a note sounds; EOS only between steps (when no Length is given)."""

    def key(self, g: Grid):
        return g.voice == 0 and g.step > 0, tuple(g.sounding[:, g.voice].tolist())

    def __call__(self, g: Grid) -> np.ndarray:
        eos = g.voice == 0 and g.step > 0
        ids = [g.tok.rest_id, g.tok.vocab["EOS"]] if eos else [g.tok.rest_id]
        notes = g.mask(("grammar", eos), lambda: g.is_pitch | g.allow(1, ids)[0])  # all but Hold
        return notes | (g.is_hold & g.sounding[:, g.voice, None])  # (B, V)


@dataclass
class Scale:
    """Pitches outside the scale are masked (tonic pitch class, scale name from tunesmith.theory.scales)."""

    tonic: int
    name: str = "major"

    def __post_init__(self):
        self.pcs = scale_pitch_classes(self.tonic, self.name)
        if not self.pcs:
            raise ConfigError(f"scale {self.name} on {self.tonic} is empty")

    def key(self, g: Grid):
        return None

    def __call__(self, g: Grid) -> np.ndarray:
        pcs = tuple(sorted(self.pcs))
        ok = g.mask(("scale", pcs), lambda: (g.pitch_of < 0) | np.isin(g.pitch_of % 12, pcs))
        return g.rows(ok, g.last_pitch.shape[0])


@dataclass
class Key(Scale):
    """Pitches outside the key are masked: `name` is the mode, "major" or "minor", and the pitch classes those
    of `tunesmith.theory.scales.key_pitch_classes` (minor: natural, harmonic and melodic), the definition of
    "in key" that the reports and `tunesmith evaluate` use too."""

    def __post_init__(self):
        self.pcs = key_pitch_classes(self.tonic, self.name)


@dataclass
class VoiceRange:
    """Pitch range per voice: `ranges[v] = (low, high)`; a voice beyond the list is unconstrained."""

    ranges: list[tuple[int, int]]

    def __post_init__(self):
        for v, (lo, hi) in enumerate(self.ranges):
            if lo > hi:
                raise ConfigError(f"voice {v}: range {lo}..{hi} holds no note")

    def key(self, g: Grid):
        return g.voice

    def __call__(self, g: Grid) -> np.ndarray:
        b = g.last_pitch.shape[0]
        if g.voice >= len(self.ranges):
            return g.everything(b)
        lo, hi = self.ranges[g.voice]
        p = g.pitch_of
        return g.rows(g.mask(("range", lo, hi), lambda: (p < 0) | ((p >= lo) & (p <= hi))), b)


@dataclass
class MaxLeap:
    """No melodic leap larger than `semitones` within a voice (soft: relaxed in a row it would empty)."""

    semitones: int
    soft: bool = field(default=True, init=False)

    def key(self, g: Grid):
        return tuple(g.last_pitch[:, g.voice].tolist())

    def __call__(self, g: Grid) -> np.ndarray:
        def make():  # row 1 + q: the tokens allowed after pitch q (row 0: after no pitch yet)
            last = np.arange(-1, int(g.pitch_of.max()) + 1)[:, None]  # (P + 1, 1)
            p = g.pitch_of[None, :]
            return (p < 0) | (last < 0) | (np.abs(p - last) <= self.semitones)  # (P + 1, V)

        return g.mask(("leap", self.semitones), make)[g.last_pitch[:, g.voice] + 1]  # (B, V)


@dataclass
class Voices:
    """Only the first `n` voices play; the others rest throughout."""

    n: int

    def key(self, g: Grid):
        return g.voice < self.n

    def __call__(self, g: Grid) -> np.ndarray:
        b = g.last_pitch.shape[0]
        if g.voice < self.n:
            return g.everything(b)
        return g.allow(b, [g.tok.rest_id, g.tok.vocab["EOS"]])


@dataclass
class MaxRest:
    """A voice among `voices` rests at most `steps` grid steps in a row, then must sing: none falls silent.
    Before step `start` (a planned entry) it may rest as long as it likes."""

    steps: int
    voices: tuple[int, ...]
    start: int = 0

    def __post_init__(self):
        if self.steps < 0:
            raise ConfigError(f"the longest rest must be 0 steps or more, got {self.steps}")

    def key(self, g: Grid):
        return g.voice in self.voices and g.step >= self.start and tuple((g.resting[:, g.voice] >= self.steps).tolist())

    def __call__(self, g: Grid) -> np.ndarray:
        b = g.last_pitch.shape[0]
        if g.voice not in self.voices or g.step < self.start:
            return g.everything(b)
        sing = g.mask(("no rest",), lambda: ~g.allow(1, [g.tok.rest_id])[0])
        return np.where((g.resting[:, g.voice] >= self.steps)[:, None], sing, True)


@dataclass
class Length:
    """Exactly `steps` grid steps: EOS is masked before, and is the only choice after."""

    steps: int

    def __post_init__(self):
        if self.steps < 1:
            raise ConfigError(f"length must be at least one step, got {self.steps}")

    def key(self, g: Grid):
        return g.step >= self.steps

    def __call__(self, g: Grid) -> np.ndarray:
        b = g.last_pitch.shape[0]
        eos = g.tok.vocab["EOS"]
        if g.step >= self.steps:
            return g.allow(b, [eos])
        return g.rows(g.mask(("all but", eos), lambda: ~g.allow(1, [eos])[0]), b)


@dataclass
class EndOnTonic:
    """The melody (voice 0) and the bass (last playing voice) end on the tonic: a tonic note starts on the
    last beat and is held to the end. Needs the length: `steps` in total and `beat` steps per beat."""

    tonic: int
    steps: int
    beat: int
    voices: tuple[int, ...] = (0,)

    def key(self, g: Grid):
        last_beat = self.steps - self.beat
        if g.voice not in self.voices or g.step < last_beat or g.step >= self.steps:
            return "free"
        return "tonic" if g.step == last_beat else "hold"

    def __call__(self, g: Grid) -> np.ndarray:
        b = g.last_pitch.shape[0]
        phase = self.key(g)
        if phase == "free":
            return g.everything(b)
        if phase == "tonic":
            pc = self.tonic % 12
            return g.rows(g.mask(("tonic", pc), lambda: (g.pitch_of >= 0) & (g.pitch_of % 12 == pc)), b)
        return g.allow(b, [g.tok.hold_id])


@dataclass
class KeyPenalty:
    """Pitches outside the pitch classes `pcs` lose `nats` of log-probability (a soft key: chromatic notes
    stay possible, just rarer; 0 leaves the model as it is). Like every bias, added to the model's logits
    before the temperature divides them."""

    pcs: frozenset
    nats: float

    def __post_init__(self):
        if not 0 <= self.nats <= 100:
            raise ConfigError(f"key penalty must be in 0..100 nats, got {self.nats}")

    def bias(self, g: Grid) -> np.ndarray:
        outside = (g.pitch_of >= 0) & ~np.isin(g.pitch_of % 12, sorted(self.pcs))
        return np.where(outside, np.float32(-self.nats), np.float32(0))


@dataclass
class HoldPenalty:
    """Holding a sounding note loses `nats` of log-probability, so that new notes come a little more often.
    A model that predicts the rhythm of real pieces well token by token still drifts to longer notes when it
    composes freely (each held note makes the next hold likelier); this evens that out (0: no change)."""

    nats: float

    def __post_init__(self):
        if not 0 <= self.nats <= 100:
            raise ConfigError(f"hold penalty must be in 0..100 nats, got {self.nats}")

    def bias(self, g: Grid) -> np.ndarray:
        return np.where(g.is_hold, np.float32(-self.nats), np.float32(0))


# Rules, which combines the constraints above, lives in rules.py; it is imported from here too
from tunesmith.generation.rules import Rules, check_feasible  # noqa: E402, F401
