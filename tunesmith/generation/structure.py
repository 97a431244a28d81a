"""Where a piece begins and ends, as constraints and preferences over a voice grid: it opens with sound or a
short pickup (`Opening`), it ends on a complete tonic triad (`FinalChord`), and notes are rarely tied over a
bar line (`BarlineHold`). The beginning and end of the melody and bass on the tonic is `EndOnTonic`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from tunesmith.errors import ConfigError
from tunesmith.generation.constraints import Grid


@dataclass
class Opening:
    """The melody (`voice`) begins within the first bar: by the last beat of it at the latest (a pickup of one
    beat), so that no piece opens with a silent bar. `bar` and `beat` are in grid steps. Before that the model
    chooses: a note on the downbeat, or a shorter or longer pickup."""

    bar: int
    beat: int
    voice: int = 0

    def _due(self, g: Grid) -> bool:
        return g.voice == self.voice and g.step == max(self.bar - self.beat, 0)

    def key(self, g: Grid):
        return self._due(g) and tuple((g.last_pitch[:, self.voice] < 0).tolist())

    def __call__(self, g: Grid) -> np.ndarray:
        b = g.last_pitch.shape[0]
        if not self._due(g):
            return g.everything(b)
        silent = (g.last_pitch[:, self.voice] < 0)[:, None]  # (B, 1) never sounded yet
        return np.where(silent, g.is_pitch, True)


@dataclass
class Silent:
    """Every voice rests before step `until` (a planned pickup)."""

    until: int

    def key(self, g: Grid):
        return g.step < self.until

    def __call__(self, g: Grid) -> np.ndarray:
        b = g.last_pitch.shape[0]
        return g.allow(b, [g.tok.rest_id]) if g.step < self.until else g.everything(b)


@dataclass
class Together:
    """Every voice in `voices` begins a note at step `step`: a phrase begins with a chord, not a rest."""

    step: int
    voices: tuple[int, ...]

    def key(self, g: Grid):
        return g.step == self.step and g.voice in self.voices

    def __call__(self, g: Grid) -> np.ndarray:
        b = g.last_pitch.shape[0]
        return g.rows(g.is_pitch, b) if self.key(g) else g.everything(b)


@dataclass
class FinalChord:
    """The last chord is a complete tonic triad: on the last beat each of the inner `voices` begins a note of
    the triad (root, third or fifth; in minor the major third too, Bach's Picardy third) and holds it to the
    end, and the lowest inner voice takes the third if no voice above it has one. The melody and the bass begin
    the tonic there (`EndOnTonic`), so the chord is complete: root, third and fifth or a doubled root."""

    tonic: int
    mode: str
    steps: int
    beat: int
    voices: tuple[int, ...]

    def __post_init__(self):
        if self.mode not in ("major", "minor"):
            raise ConfigError(f"a final chord in mode {self.mode!r}: only major and minor")
        t = self.tonic % 12
        self.thirds = frozenset({(t + 4) % 12} | ({(t + 3) % 12} if self.mode == "minor" else set()))
        self.triad = frozenset({t, (t + 7) % 12}) | self.thirds

    def _phase(self, g: Grid) -> str:
        last_beat = self.steps - self.beat
        if g.voice not in self.voices or g.step < last_beat or g.step >= self.steps:
            return "free"
        return "chord" if g.step == last_beat else "hold"

    def key(self, g: Grid):
        phase = self._phase(g)
        if phase != "chord" or g.voice != max(self.voices):
            return phase
        return phase, tuple(self._third_above(g).tolist())

    def _third_above(self, g: Grid) -> np.ndarray:
        """(B,) whether a voice above the current one sounds a third of the triad now."""
        above = g.last_pitch[:, : g.voice]
        sounding = g.sounding[:, : g.voice]
        return (sounding & np.isin(above % 12, sorted(self.thirds))).any(1)

    def __call__(self, g: Grid) -> np.ndarray:
        b = g.last_pitch.shape[0]
        phase = self._phase(g)
        if phase == "free":
            return g.everything(b)
        if phase == "hold":
            return g.allow(b, [g.tok.hold_id])
        pcs = g.pitch_of % 12
        triad = g.mask(("triad", self.triad), lambda: (g.pitch_of >= 0) & np.isin(pcs, sorted(self.triad)))
        if g.voice != max(self.voices):
            return g.rows(triad, b)
        third = g.mask(("third", self.thirds), lambda: (g.pitch_of >= 0) & np.isin(pcs, sorted(self.thirds)))
        return np.where(self._third_above(g)[:, None], triad, third)


@dataclass
class BarlineHold:
    """Holding a note over a bar line loses `nats` of log-probability, on top of any `HoldPenalty`: composing
    freely, a model ties notes over bar lines far more often than the real tunes do (folk: 0.27 ties per bar
    line against 0.01). `bar` is the bar's length in grid steps."""

    nats: float
    bar: int

    def __post_init__(self):
        if not 0 <= self.nats <= 100:
            raise ConfigError(f"bar-line hold penalty must be in 0..100 nats, got {self.nats}")

    def key(self, g: Grid):
        return g.step > 0 and g.step % self.bar == 0

    def bias(self, g: Grid) -> np.ndarray:
        nats = self.nats if self.key(g) else 0.0
        return np.where(g.is_hold, np.float32(-nats), np.float32(0))


@dataclass
class ChordAt:
    """At grid step `step` every voice begins a note of a chord and holds it `hold` steps: the melody (voice 0)
    a pitch class of `melody`, the bass (`voices[-1]`) the `root`, the inner voices any of `pcs`, the lowest of
    them a third if no voice above has one. A phrase's cadence is two of these: the chord the phrase ends on
    (held under its fermata) and the dominant before it (`hold=1`: only its onset is fixed)."""

    step: int
    hold: int
    pcs: frozenset
    root: int
    thirds: frozenset
    melody: frozenset
    voices: tuple[int, ...]

    def _phase(self, g: Grid) -> str:
        if g.voice not in self.voices or not self.step <= g.step < self.step + self.hold:
            return "free"
        return "chord" if g.step == self.step else "hold"

    def key(self, g: Grid):
        phase = self._phase(g)
        if phase == "chord" and g.voice == self._inner_lowest():
            return phase, g.voice, tuple(self._third_above(g).tolist())
        return phase, g.voice if phase == "chord" else None

    def _inner_lowest(self) -> int | None:
        return self.voices[-2] if len(self.voices) > 2 else None

    def _third_above(self, g: Grid) -> np.ndarray:
        above, sounding = g.last_pitch[:, : g.voice], g.sounding[:, : g.voice]
        return (sounding & np.isin(above % 12, sorted(self.thirds))).any(1)

    def _pitches(self, g: Grid, pcs) -> np.ndarray:
        pcs = tuple(sorted(pcs))
        return g.mask(("pcs", pcs), lambda: (g.pitch_of >= 0) & np.isin(g.pitch_of % 12, pcs))

    def __call__(self, g: Grid) -> np.ndarray:
        b, phase = g.last_pitch.shape[0], self._phase(g)
        if phase == "free":
            return g.everything(b)
        if phase == "hold":
            return g.allow(b, [g.tok.hold_id])
        if g.voice == self.voices[0]:
            return g.rows(self._pitches(g, self.melody), b)
        if g.voice == self.voices[-1]:
            return g.rows(self._pitches(g, {self.root}), b)
        chord = self._pitches(g, self.pcs)
        if g.voice != self._inner_lowest():
            return g.rows(chord, b)
        return np.where(self._third_above(g)[:, None], chord, self._pitches(g, self.thirds))


class Chords:
    """Several `ChordAt`, each asked only at its own steps (a chorale has a dozen: asking every one at every
    token cost more than drawing the token)."""

    def __init__(self, chords):
        self.at = {}
        for c in chords:
            for step in range(c.step, c.step + c.hold):
                if step in self.at:
                    raise ConfigError(f"two chords planned at step {step}")
                self.at[step] = c

    def key(self, g: Grid):
        c = self.at.get(g.step)
        return None if c is None else (c.step, c.key(g))

    def __call__(self, g: Grid) -> np.ndarray:
        c = self.at.get(g.step)
        return g.everything(g.last_pitch.shape[0]) if c is None else c(g)


def chord_of(tonic: int, mode: str, degree: str) -> dict:
    """The fields of `ChordAt` for a chord of a key: "I" (tonic), "V" or "V7" (dominant; in minor with the raised
    leading tone), or "rel" (the relative key's tonic: vi in major, III in minor): pitch classes, root, thirds,
    and the melody's degrees at a cadence (I: 1, 3, 5; V: 5, 7, 2; V7 also 4, which falls to 3)."""
    t = tonic % 12
    if degree in ("I", "rel"):
        minor = mode == "minor"
        root = t if degree == "I" else (t + 3) % 12 if minor else (t + 9) % 12
        third = (root + 3) % 12 if minor == (degree == "I") else (root + 4) % 12
        pcs = frozenset({root, third, (root + 7) % 12})
        return {"pcs": pcs, "root": root, "thirds": frozenset({third}), "melody": pcs}
    d = (t + 7) % 12
    triad = frozenset({d, (d + 4) % 12, (d + 7) % 12})
    pcs = triad | ({(d + 10) % 12} if degree == "V7" else set())
    return {"pcs": pcs, "root": d, "thirds": frozenset({(d + 4) % 12}), "melody": pcs}


class Plan(NamedTuple):
    """The form of a chorale, in grid steps: every voice enters together at `start` on the tonic chord (0, or
    a pickup of one beat), and each phrase ends at `ends[i] = (step, held steps, chord)`, on the chord "I",
    "V" or "rel" (see `chord_of`) approached from V7, the last one the final tonic (approached from V7, on a
    complete tonic triad, unless `free_final`: then only the melody and the bass end on the tonic)."""

    start: int
    ends: list[tuple[int, int, str]]
    free_final: bool = False
    tonic_first: bool = False  # the melody's first note is the tonic (else the third or fifth of I)


# the chords Bach's phrases end on, roughly (bench/musicianship.py: 64% of his fermatas end on I from V or IV, or
# on V, in the notated key; the others mostly cadence in a related key): tonic, half cadence, relative key
ENDINGS = {"I": 0.3, "V": 0.25, "rel": 0.45}
FREE_FINAL = 0.15  # Bach: 81% of the chorales end V-I or IV-I, 86% on a tonic triad
TONIC_FIRST = 0.73  # Bach's melodies begin on the tonic in 73% of the chorales (starts_on_tonic, valid split)


def phrase_plan(bars: int, bar: int, beat: int, seed: int, pickup: float = 0.71) -> Plan:
    """Where a chorale's phrases begin and end, as in most of Bach's chorales in 4/4 (313 of 350): a pickup of
    one beat (223 of the 313; probability `pickup`), two-bar phrases, each ending under a fermata on the third
    beat of its second bar, held one beat when the next phrase begins with a pickup, two when it begins on
    the downbeat; the last phrase ends on the third beat of the last bar, held to the end, and spans at
    least as many beats as the others less one. Each phrase ends on a chord drawn from `ENDINGS`; `seed` draws
    every choice."""
    rng = np.random.default_rng([seed, 1])  # its own stream: the notes' draws stay as they were
    if bar < 3 * beat:  # a two-beat bar: phrases end on a downbeat, held a bar; no pickup
        start, ending, hold = 0, bar, bar
    else:
        start = bar - beat if rng.random() < pickup and bars >= 2 else 0
        ending, hold = 2 * beat, beat if start else 2 * beat
    phrase, final = 2 * bar, bars * bar - ending
    first = start + phrase - beat if start else phrase - ending  # a pickup: the phrase ends a beat early
    names, weights = list(ENDINGS), np.array(list(ENDINGS.values()))
    ends = [(step, hold, str(rng.choice(names, p=weights / weights.sum())))
            for step in range(first, final - phrase + beat + 1, phrase)]
    return Plan(start, [*ends, (final, ending, "I")], bool(rng.random() < FREE_FINAL),
                bool(rng.random() < TONIC_FIRST))


@dataclass
class Echo:
    """A passage repeats an earlier one: from step `start` to `stop` (grid steps), `voice` writes what it wrote
    `offset` steps before, token for token, so a tune's phrase returns as it was heard (with a new ending
    after `stop`). Before the earlier passage's first note (a pickup's rests) the voice is free. A held note
    whose start is not repeated (the bar before differs) is struck anew. Soft in the widest sense
    (`soft="any"`): where another rule forbids the repeat (a rest too long, the end of the piece), it yields."""

    start: int
    stop: int
    offset: int
    voice: int = 0
    soft: str = field(default="any", init=False)

    def _source(self, g: Grid) -> int | None:
        """The body position repeated now, or None outside the passage."""
        if g.voice != self.voice or not self.start <= g.step < self.stop:
            return None
        return (g.step - self.offset) * g.voices + self.voice

    def _before_first_note(self, g: Grid, src: int) -> np.ndarray:
        """(B,) whether the voice had not yet begun a note at body position `src` (a pickup's rests)."""
        began = np.zeros(g.last_pitch.shape[0], np.bool_)
        for i in range(self.voice, src + 1, g.voices):
            began |= g.pitch_of[g.history[i][0]] >= 0
        return ~began

    def key(self, g: Grid):
        src = self._source(g)
        if src is None:
            return None
        tokens, pitch = g.written(src)
        return (tuple(tokens.tolist()), tuple(pitch.tolist()), tuple(g.sounding[:, self.voice].tolist()),
                tuple(self._before_first_note(g, src).tolist()))

    def __call__(self, g: Grid) -> np.ndarray:
        b = g.last_pitch.shape[0]
        src = self._source(g)
        if src is None:
            return g.everything(b)
        tokens, pitch = g.written(src)
        out = np.zeros((b, g.vocab_size), np.bool_)
        out[np.arange(b), tokens] = True
        # a Hold with nothing sounding here: strike the note that was held there
        restrike = (tokens == g.tok.hold_id) & ~g.sounding[:, self.voice] & (pitch >= 0)
        for row in np.flatnonzero(restrike):
            out[row, g.tok.first_pitch_id + pitch[row] - g.tok.pitch_range[0]] = True
        out[self._before_first_note(g, src)] = True  # free before the passage's first note
        return out


# forms of a 16-bar tune in 4-bar phrases, and how often (a repeat: bars 1-3 of the phrase come back, its last
# bar is new): the real tunes repeat 25% of their bars and 15.5% of their 2-bar units (bench/musicianship.py,
# repeats in the ABC expanded), the forms below 20% and 13% before the model repeats anything of its own
FORMS = {"AA'BB'": 0.35, "ABA'C": 0.2, "AA'BC": 0.15, "ABCD": 0.3}


def form_plan(bars: int, bar: int, seed: int, phrase_bars: int = 4) -> list[tuple[int, int, int]]:
    """The repeats of a tune as `Echo` arguments [(start, stop, offset)] in grid steps: a form drawn from
    `FORMS` by `seed`, over the 4-bar phrases that fit (a tune shorter than two phrases has none)."""
    rng = np.random.default_rng([seed, 2])
    names, weights = list(FORMS), np.array(list(FORMS.values()))
    form = [c for c in str(rng.choice(names, p=weights / weights.sum())) if c != "'"]
    phrase = phrase_bars * bar
    echoes = []
    for i, letter in enumerate(form[: bars // phrase_bars]):
        first = form.index(letter)
        if first < i:  # a phrase heard before: all but its last bar again
            echoes.append((i * phrase, (i + 1) * phrase - bar, (i - first) * phrase))
    return echoes
