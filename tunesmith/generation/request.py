"""What to compose: a `Request` of conditioning, constraints and sampling settings, and reading a key name."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from tunesmith.errors import ConfigError
from tunesmith.generation import defaults
from tunesmith.representation.base import STYLES
from tunesmith.theory.pitch import PITCH_CLASS_NAMES, parse_pitch_class


@dataclass(frozen=True)
class Request:
    """What to compose. None leaves a choice to the model (conditioning) or to the default (constraints)."""

    style: str | None = None
    key: str | None = None  # "G major", "e minor", "Bb", "F#m"
    meter: str | None = None  # "3/4"
    tempo: float | None = None  # quarter notes per minute
    bars: int = 8
    seed: int = 0
    temperature: float = 1.0
    top_k: int = 0
    top_p: float | None = None  # None (here and below): the model's tuned value, else generation/defaults.py
    beams: int = 1
    in_key: bool = False  # mask pitches outside the key (tunesmith.theory.scales.key_pitch_classes)
    # nats taken from pitches outside that scale (a soft key) and from holding a note (more, shorter notes); 0: none
    key_penalty: float | None = None
    hold_penalty: float | None = None
    max_leap: int | None = 12  # largest melodic leap within a voice, in semitones
    max_rest: float | None = 1.0  # longest rest of a playing voice, in bars (None: any)
    ranges: tuple[tuple[int, int], ...] | None = None  # per voice; default by number of voices
    voices: int | None = None  # how many voices play (default: all the model has)
    end_on_tonic: bool = True
    programs: tuple[int, ...] | None = None  # General MIDI program per track

    def resolved(self, tuned: dict | None = None) -> Request:
        """This request with the settings it leaves open (None) filled in: from `tuned` (a model's config.json
        "compose", see `Loaded.request`), else from tunesmith.generation.defaults."""
        tuned = tuned or {}
        open_ = [k for k in defaults.TUNED if getattr(self, k) is None]
        return dataclasses.replace(self, **{k: tuned.get(k, getattr(defaults, k.upper())) for k in open_})

    def check(self) -> Request:
        if not 1 <= self.bars <= 512:
            raise ConfigError(f"bars must be in 1..512, got {self.bars}")
        top_p = defaults.TOP_P if self.top_p is None else self.top_p
        if self.temperature <= 0 or not 0 < top_p <= 1 or self.top_k < 0 or self.beams < 1:
            raise ConfigError("need temperature > 0, 0 < top_p <= 1, top_k >= 0, beams >= 1")
        for name in ("key_penalty", "hold_penalty"):
            if getattr(self, name) is not None and not 0 <= getattr(self, name) <= 100:
                raise ConfigError(f"{name.replace('_', ' ')} must be in 0..100 nats, got {getattr(self, name)}")
        if self.max_rest is not None and self.max_rest < 0:
            raise ConfigError(f"the longest rest must be 0 bars or more, got {self.max_rest}")
        if self.tempo is not None and not 20 <= self.tempo <= 400:
            raise ConfigError(f"tempo must be in 20..400 qpm, got {self.tempo}")
        if self.style is not None and self.style not in STYLES:
            raise ConfigError(f"unknown style {self.style!r}; valid: {', '.join(STYLES)}")
        if self.programs is not None and not all(0 <= p <= 127 for p in self.programs):
            raise ConfigError("programs are General MIDI numbers 0..127")
        return self


def parse_key(text: str) -> str:
    """'G major', 'g', 'e minor', 'Em', 'F#m', 'Bb_major' -> the Key token value 'G_major' / 'E_minor'."""
    s = text.strip().replace("_", " ")
    name, _, mode = s.partition(" ")
    mode = mode.strip().lower()
    if not mode and name.endswith("m") and len(name) > 1:
        name, mode = name[:-1], "minor"
    mode = {"": "major", "maj": "major", "major": "major", "min": "minor", "minor": "minor"}.get(mode)
    try:
        pc = parse_pitch_class(name)
    except ValueError:
        pc = None
    if pc is None or mode is None:
        raise ConfigError(f"cannot read key {text!r}; write e.g. 'G major', 'E minor', 'F#m'")
    return f"{PITCH_CLASS_NAMES[pc]}_{mode}"


__all__ = ["Request", "parse_key"]
