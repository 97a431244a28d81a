"""A preference for a motif while composing: once the melody has begun the motif (its first interval and
rhythm, transposed anywhere), the next note the motif asks for, and holding a note as long as the motif holds
it, gain `nats` of log-probability; at the motif's place in the bar (where its first note falls, e.g. the
downbeat) any note may begin it. Like every preference it biases the logits and forbids nothing: the model
and the other rules can always leave the motif.

The motif comes from a `Request` as notes (pitch, start tick, duration ticks), e.g. read from a file by
`tunesmith compose --motif FILE` (tunesmith.assistant.motifs.motif_of).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tunesmith.errors import ConfigError
from tunesmith.generation.constraints import Grid

NATS = 3.0  # e^3 = 20x more likely: bench/motif.py counts how often the motif is then heard


@dataclass
class MotifBias:
    """Continue a motif in voice `voice`: `intervals` (semitones between its notes), `steps` (each note's length
    in grid steps; the last one is free), begun at step `phase` of a bar of `bar` steps."""

    intervals: tuple[int, ...]
    steps: tuple[int, ...]
    phase: int
    bar: int
    nats: float = NATS
    voice: int = 0

    def __post_init__(self):
        if len(self.intervals) < 2 or len(self.steps) != len(self.intervals) + 1 or min(self.steps) < 1:
            raise ConfigError("a motif needs at least 3 notes, each at least one grid step long")
        if not 0 <= self.nats <= 100:
            raise ConfigError(f"motif preference must be in 0..100 nats, got {self.nats}")

    @classmethod
    def of(cls, notes, ticks_per_step: int, bar: int, nats: float = NATS) -> MotifBias:
        """From notes (pitch, start tick, duration ticks) on a grid of `ticks_per_step`, bars of `bar` steps."""
        pitch = [int(n[0]) for n in notes]
        steps = tuple(max(round(int(n[2]) / ticks_per_step), 1) for n in notes)
        phase = round(int(notes[0][1]) / ticks_per_step) % bar
        return cls(tuple(int(b - a) for a, b in zip(pitch, pitch[1:])), steps, phase, bar, nats)

    def _recent(self, g: Grid) -> list[list[int]]:
        """The last len(motif) notes of the voice in row 0, oldest first: [pitch, onset step, steps so far];
        [] if the voice rests now (a motif does not continue over a rest)."""
        notes: list[list[int]] = []
        held = 0
        for step in range(g.step - 1, -1, -1):
            token = int(g.written(step * g.voices + self.voice)[0][0])
            if token == g.tok.hold_id:
                held += 1
                continue
            pitch = int(g.pitch_of[token])
            if pitch < 0:  # a rest (or nothing): the run of notes ends here
                break
            notes.append([pitch, step, held + 1])
            held = 0
            if len(notes) == len(self.steps):
                break
        return notes[::-1] if held == 0 else []

    def target(self, g: Grid):
        """("hold",) or ("pitch", token) for the next token of the motif's voice, or None."""
        if g.voice != self.voice or g.step == 0 or not g.sounding[0, self.voice]:
            return None
        recent = self._recent(g)
        for j in range(min(len(recent), len(self.steps) - 1), 0, -1):  # the longest match first
            run = recent[-j:]
            if any(b[0] - a[0] != d for a, b, d in zip(run, run[1:], self.intervals)):
                continue
            if any(n[2] != s for n, s in zip(run[:-1], self.steps)):
                continue
            if j == 1 and run[0][1] % self.bar != self.phase:
                continue  # one note begins the motif only where the motif begins in the bar
            length, want = run[-1][2], self.steps[j - 1]
            if length < want:
                return ("hold",)
            if length == want:
                token = g.tok.first_pitch_id + run[-1][0] + self.intervals[j - 1] - g.tok.pitch_range[0]
                return ("pitch", token) if 0 <= token < g.vocab_size and g.pitch_of[token] >= 0 else None
        return None

    def key(self, g: Grid):
        return self.target(g)

    def bias(self, g: Grid) -> np.ndarray:
        out = np.zeros(g.vocab_size, np.float32)
        t = self.target(g)
        if t is not None:
            out[g.tok.hold_id if t[0] == "hold" else t[1]] = self.nats
        return out
