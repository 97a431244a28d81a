"""Scales and modes as sets of pitch classes, and vectorized membership tests for key/scale masks.

A scale is its semitone steps above the tonic. Church modes are the rotations of the major scale
(ionian = major, aeolian = natural minor); "melodic_minor" is the ascending (jazz) form; "blues" is the
minor blues hexatonic (minor pentatonic plus the flat fifth).

"In key" has one definition, `key_pitch_classes`, shared by the in-key rate of `tunesmith evaluate`, the
report of every composed piece and the key constraint and penalty of composing.
"""

from __future__ import annotations

import numpy as np

from tunesmith.errors import ConfigError
from tunesmith.theory.pitch import parse_pitch_class

SCALES: dict[str, tuple[int, ...]] = {
    "major": (0, 2, 4, 5, 7, 9, 11),
    "minor": (0, 2, 3, 5, 7, 8, 10),  # = natural_minor
    "natural_minor": (0, 2, 3, 5, 7, 8, 10),
    "harmonic_minor": (0, 2, 3, 5, 7, 8, 11),
    "melodic_minor": (0, 2, 3, 5, 7, 9, 11),
    "ionian": (0, 2, 4, 5, 7, 9, 11),
    "dorian": (0, 2, 3, 5, 7, 9, 10),
    "phrygian": (0, 1, 3, 5, 7, 8, 10),
    "lydian": (0, 2, 4, 6, 7, 9, 11),
    "mixolydian": (0, 2, 4, 5, 7, 9, 10),
    "aeolian": (0, 2, 3, 5, 7, 8, 10),
    "locrian": (0, 1, 3, 5, 6, 8, 10),
    "pentatonic_major": (0, 2, 4, 7, 9),
    "pentatonic_minor": (0, 3, 5, 7, 10),
    "blues": (0, 3, 5, 6, 7, 10),
    "chromatic": tuple(range(12)),
    "whole_tone": (0, 2, 4, 6, 8, 10),
}


def _tonic(tonic: int | str) -> int:
    return parse_pitch_class(tonic) if isinstance(tonic, str) else int(tonic) % 12


def scale_intervals(name: str) -> tuple[int, ...]:
    """Semitone steps above the tonic of a named scale; unknown names: ConfigError listing valid ones."""
    key = name.strip().lower().replace("-", "_").replace(" ", "_")
    if key not in SCALES:
        raise ConfigError(f"unknown scale {name!r}; valid: {', '.join(SCALES)}")
    return SCALES[key]


def scale_pitch_classes(tonic: int | str, name: str) -> frozenset[int]:
    """Pitch classes of a scale on a tonic (pitch class or name): (0, "major") -> {0, 2, 4, 5, 7, 9, 11}."""
    t = _tonic(tonic)
    return frozenset((t + i) % 12 for i in scale_intervals(name))


def scale_mask(tonic: int | str, name: str) -> np.ndarray:
    """(12,) bool: True at the pitch classes of the scale."""
    mask = np.zeros(12, dtype=bool)
    mask[list(scale_pitch_classes(tonic, name))] = True
    return mask


def in_scale(pitches, tonic: int | str, name: str) -> np.ndarray:
    """Bool array shaped like `pitches` (MIDI pitches or pitch classes): is each one in the scale?"""
    return scale_mask(tonic, name)[np.asarray(pitches, dtype=np.int64) % 12]


def pitch_mask(tonic: int | str, name: str, low: int = 0, high: int = 127) -> np.ndarray:
    """(128,) bool over MIDI pitches: in the scale and within [low, high]; for masking pitch logits."""
    pitches = np.arange(128)
    return in_scale(pitches, tonic, name) & (pitches >= low) & (pitches <= high)


# the scales whose union is "in key" for each mode: in minor the raised 6th and 7th of the harmonic and
# melodic forms are part of the key (a leading tone is in key, not chromatic)
KEY_SCALES: dict[str, tuple[str, ...]] = {
    "major": ("major",),
    "minor": ("natural_minor", "harmonic_minor", "melodic_minor"),
}


def key_pitch_classes(tonic: int | str, mode: str) -> frozenset[int]:
    """Pitch classes in a key: the major scale, or in minor the natural, harmonic and melodic minor together
    (9 classes: A minor admits F and F#, G and G#). The one definition of "in key" in tunesmith."""
    if mode not in KEY_SCALES:
        raise ConfigError(f"unknown mode {mode!r}; valid: {', '.join(KEY_SCALES)}")
    return frozenset().union(*(scale_pitch_classes(tonic, name) for name in KEY_SCALES[mode]))


def key_mask(tonic: int | str, mode: str) -> np.ndarray:
    """(12,) bool: True at the pitch classes in the key (`key_pitch_classes`)."""
    mask = np.zeros(12, dtype=bool)
    mask[list(key_pitch_classes(tonic, mode))] = True
    return mask


def in_key(pitches, key) -> np.ndarray:
    """Bool array shaped like `pitches` (MIDI pitches or pitch classes): is each one in `key` (a
    KeySignature, or any object with `tonic` and `mode`)? See `key_pitch_classes`."""
    return key_mask(key.tonic, key.mode)[np.asarray(pitches, dtype=np.int64) % 12]
