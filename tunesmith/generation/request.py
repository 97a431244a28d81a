"""What to compose: a `Request` of conditioning, constraints and sampling settings, and reading a key name."""

from __future__ import annotations

import dataclasses
import math
import numbers
import re
from dataclasses import dataclass

from tunesmith.errors import ConfigError
from tunesmith.generation import defaults
from tunesmith.representation.base import STYLES
from tunesmith.theory.pitch import PITCH_CLASS_NAMES, parse_pitch_class

# Bounds of the settings, inclusive. Each keeps a request to what composes in reasonable time and memory:
BARS = (1, 512)
SEEDS = (0, 2**64 - 1)  # numpy's and torch's generators take unsigned 64-bit seeds
# below 0.01 sampling is as good as greedy (a 0.1-nat difference becomes 10 nats) and float32 logits divided
# by ~1e-38 overflow; above 100 it is as good as uniform
TEMPERATURE = (0.01, 100.0)
TOP_K = 1 << 20  # no vocabulary is larger; `check_for` bounds it by the model's
# Each beam is a row of the decoding batch whose whole key/value cache is copied at every step, so time grows
# faster than the width: 4 bars of the chorale model took 0.3 s sampled, 1.2 s with 16 beams and 13 s with 64
# (2-core machine); 100000 beams would need ~100000 caches
BEAMS = (1, 16)
PENALTY = (0.0, 100.0)  # nats: 100 already forbids in practice
TEMPO = (20.0, 400.0)  # quarter notes per minute
MAX_LEAP = (0, 127)  # semitones
MAX_VOICES = 128  # `check_for` bounds it by the model's voices
MOTIF_NOTES = 32


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
    barline_penalty: float | None = None  # nats taken from a note held over a bar line (more), on top
    max_leap: int | None = 12  # largest melodic leap within a voice, in semitones
    max_rest: float | None = 1.0  # longest rest of a playing voice, in bars (None: any)
    ranges: tuple[tuple[int, int], ...] | None = None  # per voice; default by number of voices
    voices: int | None = None  # how many voices play (default: all the model has)
    end_on_tonic: bool = True
    voice_leading: bool = True  # no parallel fifths/octaves, crossings or wide upper spacing (part_writing)
    phrases: bool = True  # music in parts: two-bar phrases ending in cadences under fermatas (structure)
    programs: tuple[int, ...] | None = None  # General MIDI program per track
    # {style: {key: weight}}: an open key is drawn from it (a model's "keys", the keys of its corpus: see
    # tunesmith.data.stats.key_prior); None: the model draws the key itself
    key_prior: dict | None = None
    # a motif to prefer while composing, as notes (pitch, start tick, duration ticks): see generation/motif.py
    motif: tuple[tuple[int, int, int], ...] | None = None

    def resolved(self, tuned: dict | None = None) -> Request:
        """This request with the settings it leaves open (None) filled in: from `tuned` (a model's config.json
        "compose", see `Loaded.request`), else from tunesmith.generation.defaults."""
        tuned = tuned or {}
        open_ = {k: tuned.get(k, getattr(defaults, k.upper())) for k in defaults.TUNED if getattr(self, k) is None}
        if self.key_prior is None and tuned.get("keys"):
            open_["key_prior"] = tuned["keys"]
        return dataclasses.replace(self, **open_)

    def __post_init__(self):
        """Every setting in range before any work starts, so that each caller (the CLI, a server) gets one
        clear ConfigError instead of a traceback or a half-written piece. What depends on the model (how many
        voices, which meters) is checked by `check_for`."""
        for name in ("style", "key", "meter"):
            if getattr(self, name) is not None and not isinstance(getattr(self, name), str):
                raise ConfigError(f"{name} must be text, got {getattr(self, name)!r}")
        for name in ("programs", "ranges"):
            if getattr(self, name) is not None and not isinstance(getattr(self, name), tuple | list):
                raise ConfigError(f"{name} must be a sequence, got {getattr(self, name)!r}")
        _whole("bars", self.bars, *BARS)
        _whole("seed", self.seed, *SEEDS)
        _number("temperature", self.temperature, *TEMPERATURE)
        _whole("top-k", self.top_k, 0, TOP_K)
        if self.top_p is not None:
            _number("top-p", self.top_p, 0, 1)
            if self.top_p == 0:
                raise ConfigError("top-p must be in (0, 1], got 0")
        _whole("beams", self.beams, *BEAMS)
        for name in ("key_penalty", "hold_penalty", "barline_penalty"):
            if getattr(self, name) is not None:
                _number(name.replace("_", " ") + " (nats)", getattr(self, name), *PENALTY)
        if self.tempo is not None:
            _number("tempo (qpm)", self.tempo, *TEMPO)
        if self.max_leap is not None:
            _whole("max leap (semitones)", self.max_leap, *MAX_LEAP)
        if self.max_rest is not None:
            _number("max rest (bars)", self.max_rest, 0, BARS[1])
        if self.voices is not None:
            _whole("voices", self.voices, 1, MAX_VOICES)
        if self.style is not None and self.style not in STYLES:
            raise ConfigError(f"unknown style {self.style!r}; valid: {', '.join(STYLES)}")
        if self.key is not None:
            parse_key(self.key)
        if self.key_prior is not None:
            _prior(self.key_prior)
        if self.meter is not None and not re.fullmatch(r"[1-9]\d{0,2}/[1-9]\d{0,2}", self.meter):
            raise ConfigError(f"cannot read meter {self.meter!r}; write e.g. 4/4, 3/4, 6/8")
        if self.programs is not None:
            if not self.programs:
                raise ConfigError("programs: give at least one General MIDI number, or none at all")
            for p in self.programs:
                _whole("a program (General MIDI)", p, 0, 127)
        for v, pair in enumerate(self.ranges or ()):
            if not isinstance(pair, tuple | list) or len(pair) != 2:
                raise ConfigError(f"the range of voice {v} must be (low, high), got {pair!r}")
            for p in pair:
                _whole(f"the range of voice {v}", p, 0, 127)
            if pair[0] > pair[1]:
                raise ConfigError(f"the range of voice {v}, {pair[0]}..{pair[1]}, holds no note")
        if self.motif is not None:
            _motif(self.motif)
        for name in ("in_key", "end_on_tonic"):
            if not isinstance(getattr(self, name), bool):
                raise ConfigError(f"{name.replace('_', ' ')} is true or false, got {getattr(self, name)!r}")

    def check_for(self, tokenizer) -> Request:
        """This request, if the model of `tokenizer` can compose it: its voices, meters, keys, styles and
        vocabulary; else a ConfigError."""
        vocab, voices = tokenizer.vocab, tokenizer.config["voices"]
        playing = self.voices or voices
        if playing > voices:
            raise ConfigError(f"this model writes 1..{voices} voices, not {playing}")
        if self.programs is not None and len(self.programs) > playing:
            raise ConfigError(f"{len(self.programs)} instruments for {playing} voice(s): give at most {playing}")
        if self.ranges is not None and len(self.ranges) > voices:
            raise ConfigError(f"{len(self.ranges)} ranges for {voices} voice(s)")
        if self.top_k > len(vocab):
            raise ConfigError(f"top-k must be in 0..{len(vocab)} (this model's tokens), got {self.top_k}")
        for family, value in (("Style", self.style), ("Key", self.key and parse_key(self.key)),
                              ("Meter", self.meter)):
            if value is not None and f"{family}_{value}" not in vocab:
                valid = ", ".join(n.split("_", 1)[1] for n in vocab.names
                                  if n.startswith(f"{family}_") and n != "Meter_other")
                raise ConfigError(f"this model has no {family.lower()} {value}; valid: {valid}")
        return self


def _whole(name: str, value, lo: int, hi: int) -> None:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ConfigError(f"{name} must be a whole number in {lo}..{hi}, got {value!r}")
    if not lo <= value <= hi:
        raise ConfigError(f"{name} must be in {lo}..{hi}, got {value}")


def _number(name: str, value, lo: float, hi: float) -> None:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise ConfigError(f"{name} must be a finite number in {lo:g}..{hi:g}, got {value!r}")
    if not lo <= value <= hi:
        raise ConfigError(f"{name} must be in {lo:g}..{hi:g}, got {value:g}")


def _prior(prior) -> None:
    ok = isinstance(prior, dict) and prior and all(
        isinstance(style, str) and isinstance(keys, dict) and keys and all(
            isinstance(w, int | float) and not isinstance(w, bool) and 0 <= w < float("inf") for w in keys.values())
        and sum(keys.values()) > 0 for style, keys in prior.items())
    if not ok:
        raise ConfigError("key prior must map styles to {key: weight} with positive total weight")
    for keys in prior.values():
        for key in keys:
            try:
                ok = parse_key(key) == key
            except ConfigError:
                ok = False
            if not ok:
                raise ConfigError(f"key prior: {key!r} is not a key token value such as 'G_major'")


def _motif(notes) -> None:
    ok = isinstance(notes, tuple | list) and 3 <= len(notes) <= MOTIF_NOTES and all(
        isinstance(n, tuple | list) and len(n) == 3 and all(isinstance(x, int) and not isinstance(x, bool) for x in n)
        and 0 <= n[0] <= 127 and 0 <= n[1] and 0 < n[2] for n in notes)
    if not ok or any(b[1] <= a[1] for a, b in zip(notes, notes[1:])):
        raise ConfigError(f"a motif is 3..{MOTIF_NOTES} notes (pitch 0..127, start tick, duration ticks > 0) in "
                          "order of their starts")


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
