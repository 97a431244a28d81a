"""Piano rolls: a boolean (time step, pitch) grid, the shared ground of the frame representation.

`to_pianoroll` quantizes like `tunesmith.score.quantize` (onsets and offsets snap to the nearest step, a
note keeps at least one step) and marks the steps each note sounds. `from_pianoroll` reads each run of
consecutive active steps of a pitch back as one note: a repeated note and a held one look the same.
"""

from __future__ import annotations

import numpy as np

from tunesmith.errors import ConfigError, ScoreError
from tunesmith.score.model import NOTE_DTYPE, TPQ, Score, Track
from tunesmith.score.transforms import quantize

MAX_STEPS = 1_000_000  # 35 hours of 16ths at 120 qpm: a longer roll is a stray late event, not music


def _grid(steps_per_quarter: int) -> int:
    if steps_per_quarter < 1 or TPQ % steps_per_quarter:
        raise ConfigError(f"steps_per_quarter must divide {TPQ}, got {steps_per_quarter}")
    return TPQ // steps_per_quarter


def _roll(notes: np.ndarray, grid: int, steps: int) -> np.ndarray:
    roll = np.zeros((steps, 128), dtype=bool)
    for s, e, p in zip(notes["start"] // grid, (notes["start"] + notes["duration"]) // grid, notes["pitch"],
                       strict=True):
        roll[s:e, p] = True
    return roll


def to_pianoroll(score: Score, steps_per_quarter: int = 4, per_track: bool = False) -> np.ndarray:
    """The non-drum notes as a (T, 128) bool roll, T = steps up to the last quantized note end; with
    `per_track=True`, every track (drums included) as (tracks, T, 128) on one common T."""
    grid = _grid(steps_per_quarter)
    q = quantize(score, steps_per_quarter)
    steps = -(-q.end // grid)
    if steps > MAX_STEPS:
        raise ScoreError(f"a piano roll of {steps} steps is absurd (more than {MAX_STEPS}): "
                         f"the last note ends at tick {q.end}")
    if per_track:
        return np.stack([_roll(t.notes, grid, steps) for t in q.tracks]) if q.tracks else np.zeros(
            (0, steps, 128), dtype=bool)
    return _roll(q.all_notes(), grid, steps)


def roll_notes(roll: np.ndarray, steps_per_quarter: int = 4, velocity: int = 80) -> np.ndarray:
    """A (T, 128) roll's runs of active steps as a note array (one note per run)."""
    grid = _grid(steps_per_quarter)
    roll = np.asarray(roll, dtype=bool)
    edges = np.diff(np.pad(roll, ((1, 1), (0, 0))).astype(np.int8), axis=0).T  # (128, T + 1)
    # both ordered by pitch, then step: the k-th onset pairs with the k-th offset
    pitch, on = np.nonzero(edges == 1)
    _, off = np.nonzero(edges == -1)
    notes = np.zeros(len(pitch), dtype=NOTE_DTYPE)
    notes["start"], notes["duration"] = on * grid, (off - on) * grid
    notes["pitch"], notes["velocity"] = pitch, velocity
    return notes


def from_pianoroll(roll: np.ndarray, steps_per_quarter: int = 4, program: int = 0) -> Score:
    """A score from a (T, 128) roll (one track) or a (tracks, T, 128) roll (one track each); consecutive
    active steps of a pitch merge into one note of velocity 80."""
    roll = np.asarray(roll, dtype=bool)
    if roll.ndim not in (2, 3) or roll.shape[-1] != 128:
        raise ValueError(f"a piano roll is (T, 128) or (tracks, T, 128), not {roll.shape}")
    rolls = roll if roll.ndim == 3 else roll[None]
    return Score(tracks=tuple(Track(roll_notes(r, steps_per_quarter), program=program) for r in rolls))
