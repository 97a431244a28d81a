"""Chord recognition by template matching on pitch classes, chord names, Roman numerals, and chords per beat.

A sonority matches a template when its pitch classes, taken above some sounding root, equal the template
exactly, or equal it without the perfect fifth (the tone most often left out). Among matches: exact before
fifth-less, a root in the bass before one above it, then the order of `QUALITIES` (triads, sevenths,
sixths, ninths, power chord). So {C, E, G, A} over C is C6, over A Am7; a diminished seventh or augmented
triad takes its bass as root. This is the rule-based end of template matching (Pardo & Birmingham 2002,
"Algorithms for chordal analysis", Computer Music Journal 26(2)).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from tunesmith.errors import ConfigError
from tunesmith.score.model import TPQ, KeySignature, Score
from tunesmith.theory.histogram import pitched_notes, window_overlaps
from tunesmith.theory.meter import beat_starts
from tunesmith.theory.pitch import parse_pitch_class, pitch_class_name

# quality -> semitones above the root, stacked in thirds (root, third, fifth, seventh, ninth): the position
# of the bass in this tuple is the inversion.
QUALITIES: dict[str, tuple[int, ...]] = {
    "maj": (0, 4, 7),
    "min": (0, 3, 7),
    "dim": (0, 3, 6),
    "aug": (0, 4, 8),
    "sus4": (0, 5, 7),
    "sus2": (0, 2, 7),
    "7": (0, 4, 7, 10),
    "maj7": (0, 4, 7, 11),
    "m7": (0, 3, 7, 10),
    "m7b5": (0, 3, 6, 10),
    "dim7": (0, 3, 6, 9),
    "mMaj7": (0, 3, 7, 11),
    "6": (0, 4, 7, 9),
    "m6": (0, 3, 7, 9),
    "9": (0, 4, 7, 10, 2),
    "maj9": (0, 4, 7, 11, 2),
    "m9": (0, 3, 7, 10, 2),
    "5": (0, 7),
}
SUFFIXES = {"maj": "", "min": "m"}  # chord-symbol suffix where it differs from the quality name


def _mask(pcs) -> int:
    """A set of pitch classes as a 12-bit integer (bit pc set)."""
    return sum(1 << pc for pc in {int(p) % 12 for p in pcs})


def _fits() -> dict[int, list[tuple[int, int, int, str]]]:
    """pitch-class mask -> every (fifthless?, QUALITIES order, root, quality) whose template it equals.

    A chord with a third may leave out its perfect fifth (not "5", "sus2", "sus4": nothing would be left).
    """
    table: dict[int, list[tuple[int, int, int, str]]] = {}
    for order, (quality, steps) in enumerate(QUALITIES.items()):
        variants = [(0, steps)]
        if 7 in steps and quality not in ("5", "sus2", "sus4"):
            variants.append((1, tuple(x for x in steps if x != 7)))
        for fifthless, tones in variants:
            for root in range(12):
                table.setdefault(_mask(root + x for x in tones), []).append((fifthless, order, root, quality))
    return table


_FITS = _fits()  # a few hundred masks


@dataclass(frozen=True)
class Chord:
    """A recognized chord: root and bass pitch classes, quality, inversion. Build with `make_chord`."""

    root: int  # pitch class 0-11
    quality: str  # a key of QUALITIES
    bass: int  # pitch class of the lowest tone
    inversion: int  # position of the bass in QUALITIES[quality]: 0 root position, 1 third, 2 fifth, 3 seventh

    @property
    def name(self) -> str:
        """Chord symbol: "C", "Am", "G7/B", "F#dim", "Bbmaj7/D"."""
        s = pitch_class_name(self.root) + SUFFIXES.get(self.quality, self.quality)
        return s if self.bass == self.root else f"{s}/{pitch_class_name(self.bass)}"

    @property
    def pitch_classes(self) -> frozenset[int]:
        """Pitch classes of the full template on this root."""
        return frozenset((self.root + i) % 12 for i in QUALITIES[self.quality])


def make_chord(root: int, quality: str, bass: int | None = None) -> Chord:
    """A Chord from root and quality (bass defaults to the root); the bass must be a chord tone."""
    if quality not in QUALITIES:
        raise ConfigError(f"unknown chord quality {quality!r}; valid: {', '.join(QUALITIES)}")
    root, bass = root % 12, (root if bass is None else bass) % 12
    steps = QUALITIES[quality]
    if (bass - root) % 12 not in steps:
        raise ConfigError(f"bass {pitch_class_name(bass)} is not a tone of {pitch_class_name(root)}{quality}")
    return Chord(root, quality, bass, steps.index((bass - root) % 12))


def parse_chord(name: str) -> Chord:
    """Inverse of `Chord.name`: "G7/B" -> Chord(7, "7", 11, 1). Unknown symbols raise ConfigError."""
    m = re.fullmatch(r"([A-Ga-g][#b-]?)(.*?)(?:/([A-Ga-g][#b-]?))?", name.strip())
    suffix_to_quality = {SUFFIXES.get(q, q): q for q in QUALITIES}
    if not m or m.group(2) not in suffix_to_quality:
        valid = ", ".join(map(repr, suffix_to_quality))
        raise ConfigError(f"not a chord symbol: {name!r}; suffixes: {valid}")
    root = parse_pitch_class(m.group(1))
    bass = parse_pitch_class(m.group(3)) if m.group(3) else None
    return make_chord(root, suffix_to_quality[m.group(2)], bass)


def chord_from_pitch_classes(pcs, bass: int) -> Chord | None:
    """The best template for some pitch classes over a bass pitch class (counted in), or None if none fits."""
    return _match(_mask([*pcs, bass]), bass % 12)


def _match(mask: int, bass: int) -> Chord | None:
    fits = _FITS.get(mask)
    if not fits:
        return None
    # exact before fifthless, root in the bass before above it, then QUALITIES order
    _, _, root, quality = min(fits, key=lambda f: (f[0], f[2] != bass, f[1]))
    return make_chord(root, quality, bass)


def chord_from_pitches(pitches) -> Chord | None:
    """The chord of some MIDI pitches (the lowest is the bass); None under 2 pitch classes or if none fits."""
    pitches = np.asarray(pitches, dtype=np.int64).ravel()
    if not len(pitches):
        return None
    return chord_from_pitch_classes(pitches % 12, int(pitches.min()))


# the chords built of stacked thirds: triads and seventh chords (not sixths, ninths, sus or power chords)
TERTIAN = ("maj", "min", "dim", "aug", "7", "maj7", "m7", "m7b5", "dim7", "mMaj7")


def _tertian_masks() -> frozenset[int]:
    """Every set of two or more tones of a TERTIAN chord on any root, as a `_mask` (a few hundred)."""
    masks: set[int] = set()
    for quality in TERTIAN:
        for root in range(12):
            tones = [(root + s) % 12 for s in QUALITIES[quality]]
            for subset in range(1, 1 << len(tones)):  # every subset by its bits
                chosen = [t for i, t in enumerate(tones) if subset >> i & 1]
                if len(chosen) >= 2:
                    masks.add(_mask(chosen))
    return frozenset(masks)


_TERTIAN_MASKS = _tertian_masks()


def is_tertian(pcs) -> bool:
    """True when the pitch classes (at least two distinct) are a triad or seventh chord (`TERTIAN`) or part
    of one: {C, E, G}, {C, E}, {B, D, F, A} are; {C, D, E} (a cluster) and {C, F, G} (sus4) are not. Every
    dyad is part of some seventh chord, so two pitch classes are always tertian. False under two."""
    mask = _mask(pcs)
    return mask.bit_count() >= 2 and mask in _TERTIAN_MASKS


# --- Roman numerals -------------------------------------------------------------------------------------

_NUMERALS = ("I", "II", "III", "IV", "V", "VI", "VII")
# semitones above the tonic -> (accidental, degree index), relative to the major / natural-minor scale
_DEGREES = {
    "major": dict(enumerate(("0", "b1", "1", "b2", "2", "3", "#3", "4", "b5", "5", "b6", "6"))),
    "minor": dict(enumerate(("0", "b1", "1", "2", "#2", "3", "#3", "4", "5", "#5", "6", "#6"))),
}
_LOWER = {"min", "dim", "m7", "m7b5", "dim7", "mMaj7", "m6", "m9"}
_ROMAN_SUFFIX = {"dim": "°", "aug": "+", "dim7": "°7", "m7b5": "ø7", "maj7": "maj7", "mMaj7": "maj7",
                 "sus2": "sus2", "sus4": "sus4", "6": "add6", "m6": "add6", "9": "9", "maj9": "maj9",
                 "m9": "9", "5": "5", "7": "7", "m7": "7"}
_SIMPLE_FIGURED = {"maj", "min", "dim", "aug", "7", "maj7", "m7", "m7b5", "dim7", "mMaj7"}
_FIGURES = {3: ("", "6", "64"), 4: ("7", "65", "43", "42")}  # triad / seventh inversions, figured bass


def roman(chord: Chord, key: KeySignature) -> str:
    """Roman numeral of a chord in a key: G7/B in C major -> "V65", Bdim in A minor -> "vii°".

    Degrees are relative to the major scale, or in minor to the natural minor scale (so C in A minor is
    III, G is VII), except that leading-tone chords (dim, dim7, m7b5 on the raised 7th) are plain vii°.
    Lower case for minor-third chords; inversions of triads and sevenths by figured bass (6, 64; 65, 43, 42).
    """
    step = (chord.root - key.tonic) % 12
    mode = key.mode if key.mode in _DEGREES else "major"
    code = _DEGREES[mode][step]
    if mode == "minor" and step == 11 and chord.quality in ("dim", "dim7", "m7b5"):
        code = "6"
    elif mode == "minor" and step == 10 and chord.quality in ("dim", "dim7", "m7b5"):
        code = "b6"
    accidental, degree = code[:-1], int(code[-1])
    numeral = _NUMERALS[degree].lower() if chord.quality in _LOWER else _NUMERALS[degree]
    suffix = _ROMAN_SUFFIX.get(chord.quality, "")
    size = len(QUALITIES[chord.quality])
    figures = _FIGURES.get(size) if chord.quality in _SIMPLE_FIGURED else None
    if figures and chord.inversion < len(figures):
        figure = figures[chord.inversion]
        suffix = suffix.removesuffix("7") + figure if size == 4 else suffix + figure
    return accidental + numeral + suffix


# --- chords over time -----------------------------------------------------------------------------------


class ChordEvent(NamedTuple):
    """The chord (None: no chord) of the window starting at `tick`."""

    tick: int  # start of the window
    chord: Chord | None


# parsimony costs, in windows' worth of sounding (see chords_in_windows)
EXTRA_TONE_COST = 0.75  # each pitch class beyond a triad
DYAD_COST = 0.25  # a chord of only two pitch classes
ONSET_BONUS = 0.5  # salience added to a pitch class sounding at the window start


def chords_in_windows(score: Score | np.ndarray, edges, min_fraction: float = 0.125) -> list[ChordEvent]:
    """One chord (or None) per window [edges[i], edges[i+1]) from the pitch classes sounding in it.

    Each pitch class gets a salience: the fraction of the window it sounds (summed over voices) plus
    ONSET_BONUS if it sounds at the window start; classes under `min_fraction` are ignored (overhangs of
    sloppy MIDI). The bass is the lowest pitch sounding at the start, else the lowest in the window, and
    is always kept. Dropping the least salient classes one by one gives candidate sonorities; each that a
    template fits costs the salience it dropped plus EXTRA_TONE_COST per class beyond three (or DYAD_COST
    for two), and the cheapest wins, the smaller on ties. So a passing eighth is left out (0.5 < 0.75), a
    seventh held through the beat is kept, and a ninth chord needs both extra tones to be firm.
    """
    notes = pitched_notes(score)
    edges = np.asarray(edges, dtype=np.int64)
    n_win = max(len(edges) - 1, 0)
    weights = np.zeros((n_win, 12))  # ticks each pitch class sounds in each window
    at_onset = np.zeros((n_win, 12), dtype=bool)  # sounding at the window start
    low = np.full(n_win, 128)  # lowest pitch in the window
    onset_low = np.full(n_win, 128)  # lowest pitch sounding at the window start
    if len(notes) and n_win:
        note, win, overlap = window_overlaps(notes, edges)
        pitch = notes["pitch"][note].astype(np.int64)
        np.add.at(weights, (win, pitch % 12), overlap)
        np.minimum.at(low, win, pitch)
        first = notes["start"][note] <= edges[win]
        at_onset[win[first], pitch[first] % 12] = True
        np.minimum.at(onset_low, win[first], pitch[first])
    weights /= np.maximum(np.diff(edges), 1)[:, None]
    salience = weights + ONSET_BONUS * at_onset
    bass = np.where(onset_low < 128, onset_low, low) % 12
    keep = weights >= min_fraction
    keep[np.arange(n_win), bass] = weights[np.arange(n_win), bass] > 0  # the bass stays, however short
    order = np.argsort(-salience, axis=1, kind="stable")  # (W, 12) most salient first
    out = []
    for i in range(n_win):
        b, s = int(bass[i]), salience[i].tolist()
        pcs = [b] + [p for p in order[i].tolist() if keep[i, p] and p != b] if keep[i, b] else []
        best, best_cost = None, float("inf")
        mask, dropped = 1 << b, sum(s[p] for p in pcs[1:])
        for k, p in enumerate(pcs[1:], start=2):  # candidate: the k most salient, bass included
            mask |= 1 << p
            dropped -= s[p]
            if mask in _FITS:
                cost = dropped + EXTRA_TONE_COST * max(k - 3, 0) + DYAD_COST * (k == 2)
                if cost < best_cost:
                    best, best_cost = _match(mask, b), cost
        out.append(ChordEvent(int(edges[i]), best))
    return out


def chords_per_beat(score: Score) -> list[ChordEvent]:
    """A chord (or None) for every beat, following the time-signature map (see `chords_in_windows`)."""
    if not score.end:
        return []
    starts = beat_starts(score)
    edges = np.append(starts, max(score.end, int(starts[-1]) + 1))
    return chords_in_windows(score, edges)


def chordify(score: Score, steps_per_quarter: int = 1) -> list[ChordEvent]:
    """A chord (or None) for every step of a fixed grid of `steps_per_quarter` steps per quarter note."""
    if steps_per_quarter < 1 or TPQ % steps_per_quarter:
        raise ConfigError(f"steps_per_quarter must divide {TPQ}, got {steps_per_quarter}")
    step = TPQ // steps_per_quarter
    return chords_in_windows(score, np.arange(0, score.end + step, step)) if score.end else []
