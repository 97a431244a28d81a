"""Music-theory rewards of RL Tuner (Jaques et al. 2017) for voice-grid rollouts, each a score in [0, 1] (1: the
rule kept), the rules themselves those of tunesmith.theory (melody.py, scales.py, voice_leading.py):

    key             share of melody notes in the key the rollout was asked for (its Key token)
    tonic_start     the first melody note is the tonic
    tonic_end       the last melody note is the tonic
    repetition      1 - share of notes repeated more than four times in a row
    leaps_resolved  share of leaps resolved by a step back (1 without a leap)
    motif           share of bars (after the first with a motif) that repeat an earlier bar's motif
    leap_runs       1 - share of intervals that are a third leap in a row
    parallels       1 / (1 + parallel fifths and octaves between any two voices) (chorales; 1 with one voice)

A rollout with fewer than two melody notes scores 0 on every rule: silence keeps no rule.
"""

from __future__ import annotations

import numpy as np

from tunesmith.theory.melody import excessive_repeats, leap_resolution, leap_runs, repeated_motifs
from tunesmith.theory.scales import key_mask
from tunesmith.theory.voice_leading import REST, parallel

RULES = ("key", "tonic_start", "tonic_end", "repetition", "leaps_resolved", "motif", "leap_runs", "parallels")


def notes_of(column: np.ndarray, first_pitch_id: int, low: int) -> tuple[np.ndarray, np.ndarray]:
    """(pitches, onset steps) of one voice's grid tokens (T,): a note begins at each Pitch token."""
    on = np.flatnonzero(column >= first_pitch_id)
    return column[on] - first_pitch_id + low, on


def sounding(column: np.ndarray, first_pitch_id: int, hold_id: int, low: int) -> np.ndarray:
    """(T,) the pitch a voice sounds at each step, REST where none."""
    out = np.full(len(column), REST, np.int64)
    current = REST
    for t, tok in enumerate(column.tolist()):
        current = tok - first_pitch_id + low if tok >= first_pitch_id else current if tok == hold_id else REST
        out[t] = current
    return out


def score_rules(grid: np.ndarray, tonic: int, mode: str, bar: int, first_pitch_id: int, hold_id: int,
                low: int) -> np.ndarray:
    """(len(RULES),) scores of one rollout: `grid` (T, voices) of body tokens, the key asked for, `bar` steps a
    bar; voice 0 is the melody."""
    pitches, onsets = notes_of(grid[:, 0], first_pitch_id, low)
    if len(pitches) < 2:
        return np.zeros(len(RULES))
    resolved, doubled = leap_resolution(pitches)
    repeated, later = repeated_motifs(pitches, onsets, bar)
    runs = leap_runs(pitches)
    out = {
        "key": float(key_mask(tonic, mode)[pitches % 12].mean()),
        "tonic_start": float(pitches[0] % 12 == tonic % 12),
        "tonic_end": float(pitches[-1] % 12 == tonic % 12),
        "repetition": 1.0 - float(excessive_repeats(pitches).mean()),
        "leaps_resolved": resolved / (resolved + doubled) if resolved + doubled else 1.0,
        "motif": repeated / later if later else 0.0,
        "leap_runs": 1.0 - float(runs.mean()) if len(runs) else 1.0,
        "parallels": 1.0,
    }
    if grid.shape[1] > 1:
        voices = np.stack([sounding(grid[:, v], first_pitch_id, hold_id, low) for v in range(grid.shape[1])])
        bad = 0
        for a in range(len(voices)):
            for b in range(a + 1, len(voices)):
                x, y = voices[a], voices[b]
                bad += sum(int(parallel(x[:-1], y[:-1], x[1:], y[1:], ic).sum()) for ic in (7, 0))
        out["parallels"] = 1.0 / (1.0 + bad)
    return np.array([out[r] for r in RULES])
