"""A concrete fix for a voice-leading fault: the smallest change of one note that removes it.

For a fault of motion or of one sonority (parallels, hidden intervals, crossing, overlap, spacing, a
dissonance), each voice of the fault in turn (inner voices before outer ones, the bass last: a teacher moves
the voice that carries least) tries the other tones of the chord at that moment within a fourth of its own
note (in species counterpoint: the consonances above or below the other voice), and the note is replaced
in every sonority it sounds in. A candidate counts if it removes the fault and adds none of the checked
rules around it; the smallest move wins. Range faults move the note by an octave; tendency tones say where
the tone should go. Pitches are spelled in the key (`theory.spelling`).
"""

from __future__ import annotations

import numpy as np

from tunesmith.score.model import KeySignature
from tunesmith.theory.chords import QUALITIES
from tunesmith.theory.faults import CONSONANT, Fault, motion_faults, species_faults, voice_name
from tunesmith.theory.harmony import Harmony
from tunesmith.theory.spelling import key_centre, nearest, spelled_name
from tunesmith.theory.voice_leading import REST, SATB_RANGES

MAX_MOVE = 5  # semitones a fix may move a note


def spell(pitch: int, key: KeySignature) -> str:
    """A pitch named in a key, with ♯ and ♭: 61 in D major -> "C♯4", in F major -> "D♭4"."""
    name = spelled_name(int(pitch), int(nearest(int(pitch) % 12, key_centre(key))))
    return name.replace("#", "♯").replace("b", "♭") if len(name) > 2 else name


def _harmony_at(harmony: list[Harmony], tick: int) -> Harmony | None:
    starts = [h.tick for h in harmony]
    i = int(np.searchsorted(starts, tick, side="right")) - 1
    return harmony[i] if i >= 0 else None


def _chord_tones(h: Harmony | None) -> set[int]:
    if h is None or h.numeral is None:
        return set()
    return {(h.numeral.root + s) % 12 for s in QUALITIES[h.numeral.quality]}


def _order(voices: tuple[int, ...], count: int) -> list[int]:
    """Inner voices first, then the soprano, the bass last."""
    return sorted(voices, key=lambda v: (v == count - 1, v == 0))


def suggest(fault: Fault, times: np.ndarray, grid: np.ndarray, harmony: list[Harmony], rules) -> str:
    """One sentence: what to change to remove the fault (see the module doc)."""
    n = len(grid)
    h = _harmony_at(harmony, fault.tick)
    key = h.key if h else KeySignature(0, 0, "major")
    if fault.rule == "range":
        v, p = fault.voices[0], fault.pitches[0]
        lo, hi = SATB_RANGES[v] if n == len(SATB_RANGES) else (0, 127)
        octave = p + 12 if p < lo else p - 12
        return f"write the {voice_name(v, n)}'s {spell(p, key)} an octave {'higher' if p < lo else 'lower'}, " \
               f"as {spell(octave, key)}, or revoice the phrase" + ("" if lo <= octave <= hi else " to fit its range")
    if fault.rule == "unresolved_leading_tone":
        target = key.tonic
        return f"let the {voice_name(fault.voices[0], n)} rise by a semitone from the leading tone to the tonic " \
               f"{spell(_above(_pitch_at(times, grid, fault.voices[0], fault.before), target), key)}"
    if fault.rule == "unresolved_seventh":
        p0 = _pitch_at(times, grid, fault.voices[0], fault.before)
        tones = _chord_tones(h)
        down = [p for p in (p0 - 1, p0 - 2) if p % 12 in tones] or [p0 - 1 if (p0 - 1) % 12 in _scale(key) else p0 - 2]
        return f"let the {voice_name(fault.voices[0], n)} fall by step from the seventh {spell(p0, key)} to " \
               f"{spell(down[0], key)}"
    t = int(np.searchsorted(times, fault.tick))
    species = fault.rule in ("dissonance", "leap", "ends")
    for v in _order(fault.voices, n):
        best = _best_move(fault, times, grid, t, v, _chord_tones(h), rules, species)
        if best is not None:
            return f"move the {voice_name(v, n)} to {spell(best, key)} to avoid {_what(fault, v, n)}"
    return f"no single note fixes it: revoice the {'sonority' if species else 'chord'} to avoid {_what(fault, -1, n)}"


def _what(fault: Fault, moved: int, n: int) -> str:
    """"the parallel fifths with the bass" (the other voice of the fault, if it has two)."""
    from tunesmith.assistant.formats import RULE_NAMES

    others = [voice_name(v, n) for v in fault.voices if v != moved]
    rule = RULE_NAMES.get(fault.rule, fault.rule)
    return f"the {rule}" + (f" with the {others[0]}" if len(fault.voices) == 2 and len(others) == 1 else "")


def _scale(key: KeySignature) -> set[int]:
    steps = (0, 2, 3, 5, 7, 8, 10, 11) if key.mode == "minor" else (0, 2, 4, 5, 7, 9, 11)
    return {(key.tonic + s) % 12 for s in steps}


def _above(p: int, pc: int) -> int:
    return p + 1 + (pc - p - 1) % 12


def _pitch_at(times, grid, v, tick) -> int:
    i = int(np.searchsorted(times, tick, side="right")) - 1
    return int(grid[v, i]) if i >= 0 else REST


def _best_move(fault, times, grid, t, v, tones, rules, species) -> int | None:
    current = int(grid[v, t])
    if current == REST:
        return None
    run = t
    while run + 1 < grid.shape[1] and grid[v, run + 1] == current:
        run += 1  # the note goes on through these sonorities
    # species rules judge the ends of the whole line; the others only need the sonorities around the note
    lo, hi = (0, grid.shape[1]) if species else (max(t - 2, 0), min(run + 3, grid.shape[1]))
    window = grid[:, lo:hi]
    before = len(_faults(times[lo:hi], window, rules, species))
    other = grid[len(grid) - 1 - v, t] if species else REST
    candidates = []
    for p in range(current - MAX_MOVE, current + MAX_MOVE + 1):
        fits = (other != REST and abs(p - int(other)) % 12 in CONSONANT) if species else p % 12 in tones
        if p == current or not fits:
            continue
        trial = window.copy()
        trial[v, t - lo: run + 1 - lo] = p
        found = _faults(times[lo:hi], trial, rules, species)
        gone = not any(f.rule == fault.rule and f.tick == fault.tick and v in f.voices for f in found)
        if gone and len(found) < before:
            candidates.append((abs(p - current), p))
    return min(candidates)[1] if candidates else None


def _faults(times, grid, rules, species) -> list[Fault]:
    found = motion_faults(times, grid) + (species_faults(times, grid) if species else [])
    return [f for f in found if f.rule in rules]
