"""Developing a motif in a key: transposition and inversion by scale steps, so that the notes stay in the key
(a sequence a step higher in C major turns a major third into a minor one, as composers write it), and the
six classic developments of a motif as pure `Score -> Score` transforms with a word on each.

The chromatic versions, which keep every interval exactly, are `tunesmith.score.transforms` (`transpose`,
`invert`, `retrograde`, `scale_time`, `fragment`); a motif's notes outside the key keep their chromatic
offset from the scale degree below them.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from tunesmith.score.model import KeySignature, Score
from tunesmith.score.transforms import Transposed, append, fragment, invert, retrograde, scale_time, transpose
from tunesmith.theory.meter import beat_ticks
from tunesmith.theory.scales import SCALES


def _degrees(key: KeySignature) -> np.ndarray:
    """The key's scale (major, or natural minor) as semitones above the tonic, (7,)."""
    return np.array(SCALES["major" if key.mode == "major" else "minor"][:7])


def _to_steps(pitch: np.ndarray, key: KeySignature) -> tuple[np.ndarray, np.ndarray]:
    """(scale steps from the tonic's C-octave, chromatic offset above that degree) of each pitch."""
    scale = _degrees(key)
    rel = pitch.astype(np.int64) - key.tonic % 12
    octave, pc = np.divmod(rel, 12)
    degree = np.searchsorted(scale, pc, side="right") - 1  # the degree at or below
    return octave * 7 + degree, pc - scale[degree]


def _from_steps(steps: np.ndarray, offset: np.ndarray, key: KeySignature) -> np.ndarray:
    octave, degree = np.divmod(steps, 7)
    return key.tonic % 12 + octave * 12 + _degrees(key)[degree] + offset


def _map_pitches(score: Score, f, low: int, high: int) -> Transposed:
    dropped, tracks = 0, []
    for t in score.tracks:
        if t.is_drum or not len(t):
            tracks.append(t)
            continue
        n = t.notes.copy()
        n["pitch"] = f(n["pitch"])
        keep = (n["pitch"] >= low) & (n["pitch"] <= high)
        dropped += int((~keep).sum())
        tracks.append(t.replace(notes=n[keep]))
    return Transposed(score.replace(tracks=tuple(tracks)), dropped)


def diatonic_transpose(score: Score, steps: int, key: KeySignature, low: int = 0, high: int = 127) -> Transposed:
    """Move every note `steps` scale steps within `key` (1: a step higher, 7: an octave)."""
    def move(p):
        s, off = _to_steps(p, key)
        return _from_steps(s + steps, off, key)

    return _map_pitches(score, move, low, high)


def diatonic_invert(score: Score, axis: int, key: KeySignature, low: int = 0, high: int = 127) -> Transposed:
    """Mirror the notes around the pitch `axis` by scale steps within `key` (a rising third falls a third)."""
    centre, _ = _to_steps(np.array([axis]), key)

    def mirror(p):
        s, off = _to_steps(p, key)
        return _from_steps(2 * centre[0] - s, -off, key)

    return _map_pitches(score, mirror, low, high)


def _span(score: Score) -> int:
    """The motif's length rounded up to whole beats, so that a repetition keeps its place in the meter."""
    beat = beat_ticks(score.time_signatures[0])
    first = int(score.all_notes()["start"].min())
    return -(-(score.end - first) // beat) * beat


def sequence(score: Score, steps: int, times: int = 2, key: KeySignature | None = None) -> Score:
    """The motif and `times - 1` repetitions, each `steps` scale steps from the one before (semitones if no
    key), one after another in whole beats."""
    out, copy = score, score
    span = _span(score)
    first = int(score.all_notes()["start"].min())
    for i in range(1, times):
        copy = (diatonic_transpose(copy, steps, key) if key else transpose(copy, steps)).score
        out = append(out, _from(copy, first), at=first + i * span)
    return out


def _from(score: Score, first: int) -> Score:
    """The notes shifted so that `first` is tick 0 (what `append` places)."""
    return score.replace(tracks=tuple(t.replace(notes=_shift(t.notes, -first)) for t in score.tracks))


def _shift(notes: np.ndarray, ticks: int) -> np.ndarray:
    n = notes.copy()
    n["start"] += ticks
    return n


class Development(NamedTuple):
    name: str  # sequence, inversion, retrograde, augmentation, diminution, fragmentation
    score: Score
    how: str  # one line, in words


def developments(motif: Score, key: KeySignature | None = None) -> list[Development]:
    """The six classic developments of a motif (one melody): in `key` where one is given (sequence and
    inversion by scale steps), else chromatically."""
    notes = motif.all_notes()
    first = int(notes["pitch"][np.argmin(notes["start"])])
    inverted = diatonic_invert(motif, first, key).score if key else invert(motif, first).score
    where = f" in {key.name}" if key else ""
    onsets = len(np.unique(notes["start"]))
    head = max(3, (onsets + 1) // 2) if onsets > 3 else 2
    out = [
        Development("sequence", sequence(motif, -1 if key else -2, 3, key),
                    f"three times, each a step lower{where}: a sequence drives a phrase forward"),
        Development("inversion", inverted, f"upside down around its first note{where}: rising steps fall"),
        Development("retrograde", retrograde(motif), "backwards: its last note first"),
        Development("augmentation", scale_time(motif, 2), "in notes twice as long: the motif broadened"),
        Development("diminution", scale_time(motif, 0.5), "in notes half as long: the motif quickened"),
        Development("fragmentation", fragment(motif, 0, head), f"its first {head} notes alone, to be repeated "
                    "and varied on their own"),
    ]
    return out
