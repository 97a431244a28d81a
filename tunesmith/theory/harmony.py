"""Harmonic analysis: a chord and a local key for every beat, and its Roman numeral.

Two steps, each a small, readable model rather than a learned one:

1. **Chords by templates.** Every beat gets a salience per pitch class: the fraction of the beat it sounds,
   summed over voices (so a doubled root weighs twice), plus ONSET_BONUS if it sounds at the beat's start,
   capped at SALIENCE_CAP. Each candidate chord (a triad or seventh chord on any root: the vocabulary of
   Roman numerals) scores the salience of its tones, minus the salience outside it (NON_CHORD_WEIGHT), minus
   a penalty for each of its tones that is silent (root 2, third 1, fifth 0.3: the fifth is the tone most
   often left out), minus SEVENTH_COST for a seventh chord, with a small bonus when the root is in the bass
   and a penalty when the bass is not a chord tone. This is template matching with parsimony (Pardo &
   Birmingham 2002, "Algorithms for chordal analysis", Computer Music Journal 26(2); Temperley 2001,
   *The Cognition of Basic Musical Structures*, ch. 6).
2. **Keys by a hidden Markov model.** A key emits each beat's pitch classes with the probabilities of a
   key profile (Albrecht & Shanahan 2013) and, beside them, favours the beat's chord when the chord lies in
   the key (FIT), is its tonic (TONIC), or is its dominant going to its tonic (CADENCE). Changing key costs
   log(KEY_CHANGE) plus KEY_DISTANCE per step around the circle of fifths between the two signatures.
   Viterbi finds the best key path (Temperley 2007, *Music and Probability*, ch. 4, with chords added).

The weights were set on the expert analyses of 20 Bach chorales and 29 Monteverdi madrigals in music21's
corpus (bench/analysis.py, which reports the accuracy beside a simple baseline in bench/RESULTS.md).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from tunesmith.score.model import KeySignature, Score
from tunesmith.theory.chords import QUALITIES, Chord, make_chord
from tunesmith.theory.histogram import pitched_notes, window_overlaps
from tunesmith.theory.keys import KEYS, profile_matrix
from tunesmith.theory.meter import beat_starts
from tunesmith.theory.roman import Numeral, numeral
from tunesmith.theory.scales import key_mask

# the chords a numeral can name, with a small prior against the rarer ones
VOCABULARY = {"maj": 0.0, "min": 0.0, "dim": -0.3, "aug": -1.0, "7": 0.0, "maj7": -0.3, "m7": -0.2,
              "m7b5": -0.3, "dim7": -0.2}
ONSET_BONUS = 0.5
SALIENCE_CAP = 1.5
NON_CHORD_WEIGHT = 1.0
MISSING = (2.0, 1.0, 0.3)  # penalty for a silent root, third, fifth
SEVENTH_COST = 1.0
ROOT_IN_BASS = 0.2
BASS_NOT_IN_CHORD = 1.0
PRESENT = 0.1  # a pitch class with less salience than this counts as silent
PROFILE = "albrecht"
PROFILE_FLOOR = 0.01  # no pitch class is impossible in a key
FIT, TONIC, CADENCE = 0.5, 0.5, 1.0
KEY_CHANGE, KEY_DISTANCE = 0.003, 1.0

CANDIDATES = [(root, q) for q in VOCABULARY for root in range(12)]


def _tables():
    tones = np.zeros((len(CANDIDATES), 12))
    parts = np.zeros((3, len(CANDIDATES), 12))  # root, third, fifth
    for i, (root, q) in enumerate(CANDIDATES):
        steps = QUALITIES[q]
        tones[i, [(root + s) % 12 for s in steps]] = 1
        for j in range(3):
            parts[j, i, (root + steps[j]) % 12] = 1
    seventh = np.array([len(QUALITIES[q]) == 4 for _, q in CANDIDATES])
    prior = np.array([VOCABULARY[q] for _, q in CANDIDATES])
    in_key = np.array([key_mask(k.tonic, k.mode) for k in KEYS], dtype=float)  # (24, 12)
    fits = (tones @ (1 - in_key).T == 0).astype(float)  # (C, 24): every tone in the key
    tonic = np.zeros((len(CANDIDATES), 24))
    dominant = np.zeros((len(CANDIDATES), 24))
    for k, key in enumerate(KEYS):
        tonic[CANDIDATES.index((key.tonic, "maj" if key.mode == "major" else "min")), k] = 1
        for q in ("maj", "7"):
            dominant[CANDIDATES.index(((key.tonic + 7) % 12, q)), k] = 1
    return tones, parts, seventh, prior, fits, tonic, dominant


TONES, PARTS, SEVENTH, PRIOR, FITS, TONIC_OF, DOMINANT_OF = _tables()


def _signature(k: int) -> int:
    """Position of key k's signature on the circle of fifths (0-11)."""
    tonic = k % 12 if k < 12 else (k + 3) % 12
    return (7 * tonic) % 12


_D = np.array([[abs(_signature(a) - _signature(b)) for b in range(24)] for a in range(24)])
FIFTHS_APART = np.minimum(_D, 12 - _D)  # (24, 24) steps around the circle of fifths between signatures


class BeatSalience(NamedTuple):
    """What a window of music offers a chord: salience (W, 12), sounding fraction (W, 12), bass (W,)."""

    salience: np.ndarray
    sounding: np.ndarray
    bass: np.ndarray  # pitch class of the lowest note sounding at the window start, else in the window


def salience(score: Score | np.ndarray, edges) -> BeatSalience:
    """Pitch-class salience of the windows [edges[i], edges[i+1]) (see the module doc); bass -1 if silent."""
    notes = pitched_notes(score)
    edges = np.asarray(edges, dtype=np.int64)
    n = max(len(edges) - 1, 0)
    sounding, onset = np.zeros((n, 12)), np.zeros((n, 12))
    low, onset_low = np.full(n, 128), np.full(n, 128)
    if len(notes) and n:
        note, win, overlap = window_overlaps(notes, edges)
        pitch = notes["pitch"][note].astype(np.int64)
        np.add.at(sounding, (win, pitch % 12), overlap)
        first = notes["start"][note] <= edges[win]
        onset[win[first], pitch[first] % 12] = 1
        np.minimum.at(low, win, pitch)
        np.minimum.at(onset_low, win[first], pitch[first])
    sounding /= np.maximum(np.diff(edges), 1)[:, None]
    bass = np.where(onset_low < 128, onset_low, np.where(low < 128, low, -1))
    sal = np.minimum(sounding + ONSET_BONUS * onset, SALIENCE_CAP)
    return BeatSalience(sal, sounding, np.where(bass >= 0, bass % 12, -1))


def chord_scores(beats: BeatSalience) -> np.ndarray:
    """(W, C) score of every candidate chord (`CANDIDATES`) in every window (see the module doc)."""
    sal = beats.salience
    inside = sal @ TONES.T
    outside = sal.sum(1, keepdims=True) - inside
    silent = (sal <= PRESENT).astype(float)
    missing = sum(w * (silent @ PARTS[j].T) for j, w in enumerate(MISSING))
    score = inside - NON_CHORD_WEIGHT * outside - missing - SEVENTH_COST * SEVENTH + PRIOR
    bass = np.zeros_like(sal)
    heard = beats.bass >= 0
    bass[np.flatnonzero(heard), beats.bass[heard]] = 1
    score += ROOT_IN_BASS * (bass @ PARTS[0].T) - BASS_NOT_IN_CHORD * heard[:, None] * (1 - bass @ TONES.T)
    return score


def key_path(beats: BeatSalience, best: np.ndarray) -> np.ndarray:
    """(W,) index in `KEYS` of the key of each window, by Viterbi (see the module doc); `best` is each
    window's chord (index in CANDIDATES)."""
    p = profile_matrix(PROFILE)
    p = np.maximum(p / p.sum(1, keepdims=True), PROFILE_FLOOR)
    emit = beats.sounding @ np.log(p / p.sum(1, keepdims=True)).T  # (W, 24)
    heard = (beats.sounding.sum(1) > 0)[:, None]
    emit += heard * (FIT * FITS[best] + TONIC * TONIC_OF[best])
    cadence = DOMINANT_OF[best[:-1]] * TONIC_OF[best[1:]] * heard[1:] * heard[:-1]  # V -> I of each key
    emit[1:] += CADENCE * cadence
    emit[:-1] += CADENCE * cadence
    move = np.log(KEY_CHANGE) - KEY_DISTANCE * FIFTHS_APART
    np.fill_diagonal(move, np.log(1 - KEY_CHANGE))
    return _viterbi(emit, move)


def _viterbi(emit: np.ndarray, move: np.ndarray) -> np.ndarray:
    n = len(emit)
    if not n:
        return np.zeros(0, np.int64)
    total, back = emit[0].copy(), np.zeros(emit.shape, np.int64)
    for t in range(1, n):
        step = total[:, None] + move  # (from, to)
        back[t] = step.argmax(0)
        total = step.max(0) + emit[t]
    path = np.zeros(n, np.int64)
    path[-1] = int(total.argmax())
    for t in range(n - 1, 0, -1):
        path[t - 1] = back[t, path[t]]
    return path


class Harmony(NamedTuple):
    """The harmony of one window: its key, chord and numeral (chord and numeral None where nothing sounds)."""

    tick: int
    end: int
    key: KeySignature
    chord: Chord | None
    numeral: Numeral | None


def harmonize(score: Score, edges=None) -> list[Harmony]:
    """A key, chord and Roman numeral for every beat (or every window between `edges`), see the module doc.
    An empty score gives []."""
    if edges is None:
        if not score.end:
            return []
        starts = beat_starts(score)
        edges = np.append(starts, max(score.end, int(starts[-1]) + 1))
    edges = np.asarray(edges, dtype=np.int64)
    beats = salience(score, edges)
    if not len(beats.bass):
        return []
    best = chord_scores(beats).argmax(1)
    keys = key_path(beats, best)
    out = []
    for i, (c, k) in enumerate(zip(best.tolist(), keys.tolist())):
        key = KeySignature(int(edges[i]), KEYS[k].tonic, KEYS[k].mode)
        chord = None
        if beats.bass[i] >= 0:
            root, quality = CANDIDATES[c]
            bass = int(beats.bass[i])
            chord = make_chord(root, quality, bass if TONES[c, bass] else root)
        out.append(Harmony(int(edges[i]), int(edges[i + 1]), key, chord, numeral(chord, key) if chord else None))
    return out


def merged(harmony: list[Harmony]) -> list[Harmony]:
    """Consecutive windows with the same key and numeral (or both silent) joined into one."""
    out: list[Harmony] = []
    for h in harmony:
        prev = out[-1] if out else None
        same_key = prev is not None and (prev.key.tonic, prev.key.mode) == (h.key.tonic, h.key.mode)
        same = same_key and (prev.numeral.figure if prev.numeral else None) == (h.numeral.figure if h.numeral
                                                                                else None)
        if same and prev.end == h.tick:
            out[-1] = prev._replace(end=h.end)
        else:
            out.append(h)
    return out
