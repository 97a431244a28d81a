"""The voice-leading faults of a piece in parts, one record each, found with the rules of
`theory.voice_leading` (and, for the tendency tones, the harmony of `theory.harmony`).

Rules (Aldwell & Schachter, *Harmony and Voice Leading*, 4th ed., ch. 5-6, 8, 12):

- parallel fifths / octaves: two voices move the same way from a perfect fifth (octave, unison) to another;
- hidden fifths / octaves: the outer voices move the same way into a perfect fifth or octave, the soprano
  by leap (direct fifths and octaves);
- crossing: a voice sounds below the voice under it (reported where a crossing begins);
- overlap: a voice moves past the note the neighbouring voice has just left;
- spacing: adjacent upper voices more than an octave apart (reported where it begins);
- range: a note outside its voice's SATB range (four voices only);
- unresolved leading tone: in V or viio going to I, the leading tone in the soprano does not rise to the
  tonic;
- unresolved seventh: the seventh of a seventh chord, sounding from the chord's start, does not fall by step
  (or stay) when the chord changes.

And for first-species counterpoint in two voices (Fux, *Gradus ad Parnassum*, 1725; Jeppesen, *Counterpoint*,
1939, ch. 5): every sonority consonant (a fourth is a dissonance between two voices); no melodic leap
larger than an octave, nor a tritone or a seventh; the first and the last sonority a perfect consonance,
the last an octave or unison.

Faults are found between consecutive sonorities (every onset of any voice), so passing motion counts too.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from tunesmith.theory.chords import QUALITIES
from tunesmith.theory.harmony import Harmony
from tunesmith.theory.voice_leading import REST, SATB_RANGES, crossed, out_of_range, parallel, too_wide

RULES = ("parallel_fifths", "parallel_octaves", "hidden_fifths", "hidden_octaves", "voice_crossing",
         "voice_overlap", "spacing", "range", "unresolved_leading_tone", "unresolved_seventh")
SPECIES_RULES = ("dissonance", "leap", "ends")  # first-species counterpoint, two voices (`species_faults`)
CONSONANT = {0, 3, 4, 7, 8, 9}  # interval classes (mod 12) consonant between two voices: not 2nds, 4th, tritone, 7ths
PERFECT = {0, 7}
VOICE_NAMES = {4: ("soprano", "alto", "tenor", "bass"), 3: ("soprano", "alto", "bass"), 2: ("upper", "lower"),
               1: ("melody",)}


class Fault(NamedTuple):
    rule: str  # one of RULES
    tick: int  # where the fault sounds (the arrival, for a motion)
    voices: tuple[int, ...]  # voice indices, highest first
    pitches: tuple[int, ...]  # their pitches at `tick`
    before: int  # the tick the motion starts from (== tick for a fault of one sonority)


def voice_name(v: int, count: int) -> str:
    """"soprano", "alto", ... for 1-4 voices, else "voice 1", "voice 2", ... (highest first)."""
    names = VOICE_NAMES.get(count)
    return names[v] if names else f"voice {v + 1}"


def motion_faults(times: np.ndarray, grid: np.ndarray) -> list[Fault]:
    """Parallel and hidden perfect intervals, overlaps, crossings and spacing, from a sonority grid
    (`voice_leading.sonorities`: times (T,), pitches (V, T), REST for silence)."""
    out: list[Fault] = []
    n_voices, n = grid.shape if grid.size else (len(grid), 0)
    if n_voices < 2 or n == 0:
        return out
    a0, a1 = grid[:, :-1], grid[:, 1:]
    for a in range(n_voices):
        for b in range(a + 1, n_voices):
            pair = (a, b)
            for ic, rule in ((7, "parallel_fifths"), (0, "parallel_octaves")):
                for t in np.flatnonzero(parallel(a0[a], a0[b], a1[a], a1[b], ic)):
                    out.append(_fault(rule, times, grid, t + 1, pair, t))
            if a == 0 and b == n_voices - 1 and n_voices > 2:
                out += _hidden(times, grid, a, b)
            if b == a + 1:
                upper, lower = grid[a], grid[b]
                moved = (a1[a] != a0[a]) | (a1[b] != a0[b])
                sounding = (a0[a] != REST) & (a0[b] != REST) & (a1[a] != REST) & (a1[b] != REST)
                apart = a0[a] > a0[b]  # from a unison the voices may part any way; out of a crossing is no overlap
                over = sounding & moved & apart & ((a1[b] > a0[a]) | (a1[a] < a0[b])) & ~crossed(a1[a], a1[b])
                for t in np.flatnonzero(over):
                    out.append(_fault("voice_overlap", times, grid, t + 1, pair, t))
                for t in _run_starts(crossed(upper, lower)):
                    out.append(_fault("voice_crossing", times, grid, t, pair, t))
                if b < n_voices - 1:  # the lowest pair may lie far apart
                    for t in _run_starts(too_wide(upper, lower)):
                        out.append(_fault("spacing", times, grid, t, pair, t))
    return out


def _hidden(times, grid, a, b) -> list[Fault]:
    x0, x1, y0, y1 = grid[a, :-1], grid[a, 1:], grid[b, :-1], grid[b, 1:]
    sounding = (x0 != REST) & (x1 != REST) & (y0 != REST) & (y1 != REST)
    dx, dy = x1 - x0, y1 - y0
    similar = sounding & (dx != 0) & (dy != 0) & (np.sign(dx) == np.sign(dy)) & (np.abs(dx) > 2)
    out = []
    for ic, rule in ((7, "hidden_fifths"), (0, "hidden_octaves")):
        into = similar & (np.abs(x1 - y1) % 12 == ic) & (np.abs(x0 - y0) % 12 != ic)
        out += [_fault(rule, times, grid, t + 1, (a, b), t) for t in np.flatnonzero(into)]
    return out


def _run_starts(mask: np.ndarray) -> np.ndarray:
    mask = np.asarray(mask, dtype=bool)
    return np.flatnonzero(mask & ~np.r_[False, mask[:-1]])


def _fault(rule, times, grid, t, pair, t0) -> Fault:
    return Fault(rule, int(times[t]), tuple(pair), tuple(int(grid[v, t]) for v in pair), int(times[t0]))


def range_faults(parts: list[np.ndarray], ranges=SATB_RANGES) -> list[Fault]:
    """Notes outside their voice's range; only for as many voices as there are ranges (SATB: four)."""
    if len(parts) != len(ranges):
        return []
    out = []
    for v, (notes, r) in enumerate(zip(parts, ranges)):
        for i in np.flatnonzero(out_of_range(notes["pitch"], r)):
            start = int(notes["start"][i])
            out.append(Fault("range", start, (v,), (int(notes["pitch"][i]),), start))
    return out


def _pitch_at(times, grid, v, tick) -> int:
    i = int(np.searchsorted(times, tick, side="right")) - 1
    return int(grid[v, i]) if i >= 0 else REST


def tendency_faults(times: np.ndarray, grid: np.ndarray, harmony: list[Harmony]) -> list[Fault]:
    """Unresolved leading tones (soprano, V or viio -> I) and sevenths (any voice, at the next change of
    chord), from merged harmony (`theory.harmony.merged`)."""
    out: list[Fault] = []
    spans = [h for h in harmony if h.numeral is not None]
    for i, h in enumerate(spans[:-1]):
        n, key = h.numeral, h.key
        change = next((s for s in spans[i + 1:] if (s.numeral.root, s.numeral.quality) != (n.root, n.quality)),
                      None)
        if change is None:
            continue
        last = max(int(times[np.searchsorted(times, change.tick) - 1]), h.tick)  # last sonority before the change
        step = (n.root - key.tonic) % 12
        dominant = n.secondary is None and ((step == 7 and n.quality in ("maj", "7"))
                                            or (step == 11 and n.quality in ("dim", "dim7", "m7b5")))
        nxt = change.numeral
        if dominant and nxt.secondary is None and (nxt.root - key.tonic) % 12 == 0 and change.tick == spans[i + 1].tick:
            p0, p1 = _pitch_at(times, grid, 0, last), _pitch_at(times, grid, 0, change.tick)
            if p0 != REST and p1 != REST and p0 % 12 == (key.tonic + 11) % 12 and p1 != p0 + 1:
                out.append(Fault("unresolved_leading_tone", change.tick, (0,), (p1,), last))
        if len(QUALITIES[n.quality]) == 4:
            seventh = (n.root + QUALITIES[n.quality][3]) % 12
            for v in range(len(grid)):
                struck = _pitch_at(times, grid, v, h.tick)
                p0, p1 = _pitch_at(times, grid, v, last), _pitch_at(times, grid, v, change.tick)
                # the chord's own seventh, sounding from the chord's start (one that passes through later is a
                # passing tone); held, or taken over an octave, it may resolve later
                if REST in (p0, p1, struck) or struck % 12 != seventh or p0 % 12 != seventh:
                    continue
                if not (0 < p0 - p1 <= 2 or p1 % 12 == seventh):
                    out.append(Fault("unresolved_seventh", change.tick, (v,), (p1,), last))
    return out


def species_faults(times: np.ndarray, grid: np.ndarray) -> list[Fault]:
    """Dissonances, bad leaps, and a first or last sonority that is no perfect consonance, between the two
    outer voices of a grid (see the module doc)."""
    out: list[Fault] = []
    if len(grid) < 2 or not grid.shape[1]:
        return out
    upper, lower = grid[0], grid[-1]
    pair = (0, len(grid) - 1)
    both = (upper != REST) & (lower != REST)
    for t in np.flatnonzero(both & ~np.isin(np.abs(upper - lower) % 12, list(CONSONANT))):
        out.append(_fault("dissonance", times, grid, t, pair, t))
    for v in pair:
        line = grid[v]
        moves = np.flatnonzero((line[:-1] != REST) & (line[1:] != REST) & (line[1:] != line[:-1]))
        for t in moves:
            leap = abs(int(line[t + 1]) - int(line[t]))
            if leap > 12 or leap % 12 in (6, 10, 11):
                out.append(Fault("leap", int(times[t + 1]), (v,), (int(line[t + 1]),), int(times[t])))
    sounding = np.flatnonzero(both)
    if len(sounding):
        first, last = int(sounding[0]), int(sounding[-1])
        if abs(int(upper[first] - lower[first])) % 12 not in PERFECT:
            out.append(_fault("ends", times, grid, first, pair, first))
        if abs(int(upper[last] - lower[last])) % 12 != 0:
            out.append(_fault("ends", times, grid, last, pair, last))
    return out


def faults(parts: list[np.ndarray], times: np.ndarray, grid: np.ndarray, harmony: list[Harmony],
           rules=RULES) -> list[Fault]:
    """Every fault of the given rules, in time order: motion rules from the sonority grid, ranges from the
    voices' notes, tendency tones from merged harmony, species rules from the outer voices."""
    found = motion_faults(times, grid) + range_faults(parts) + tendency_faults(times, grid, harmony)
    if any(r in SPECIES_RULES for r in rules):
        found += species_faults(times, grid)
    return sorted((f for f in found if f.rule in rules), key=lambda f: (f.tick, f.voices, f.rule))
