"""Writing a duration as note values: where a note or a rest inside a bar is split into tied values, by the meter.

The rules are those of engraving practice (Gould, *Behind Bars*, 2011, ch. "Meter"; Read, *Music Notation*,
ch. 13), checked against how the Bach chorales of the music21 corpus are written:

- **Within a beat** a note may take any single value (plain, dotted or triplet): the sixteenth-eighth-sixteenth
  and the eighth-quarter of 6/8 are written as they sound. A rest starts on a multiple of its own length (a
  dotted rest on the beat), so a 6/8 beat of eighth, quarter rest is written eighth, eighth rest, eighth rest.
- **From a beat**, a note may last over whole beats as one value (a half on beat 1 of 4/4, never two tied
  quarters; a half on beat 2 of 3/4), except that it shows the middle of a bar of two halves (4/4, 12/8,
  4/2) when it crosses it and is longer than half a bar: a dotted half on beat 2 of 4/4 is a quarter tied
  to a half, but a half or a dotted quarter on beat 2 is one value, as Bach's chorales write them (64 half
  notes and 56 dotted quarters on beat 2 of 4/4 in 200 files, against 36 tied quarters). In compound meter
  such a note fills whole beats: four eighths from the downbeat of 6/8 are a dotted quarter tied to an
  eighth, never a half note. A rest from a beat never crosses the middle of the bar.
- **Off the beat**, a note crossing a beat is tied at the beat, except the syncopation of simple meter: a
  note one beat long starting half a beat in (eighth-quarter-eighth in 4/4, written so 240 times in the same
  200 files, against 60 tied eighths). A rest off the beat never crosses a beat.
- What is not one value is split at its coarsest metrical boundary (`theory.meter.metrical_levels`), and each
  part is written by the same rules: 5 eighths from beat 1 of 4/4 are a half tied to an eighth.

A whole bar of rest is one rest whatever its length (the builder writes it as a measure rest).
"""

from __future__ import annotations

from fractions import Fraction

from tunesmith.score.model import TPQ, TimeSignature
from tunesmith.theory.meter import beat_ticks, is_compound, metrical_levels

PLAIN = tuple(8 * TPQ >> k for k in range(8))  # breve, whole, half, quarter, eighth, 16th, 32nd, 64th
# every single value a note may take, in ticks: plain, dotted, and (in a triplet) two thirds of a plain value
VALUES = frozenset(PLAIN) | {p * 3 // 2 for p in PLAIN[1:7]} | {p * 2 // 3 for p in PLAIN[2:8]}


def is_value(ticks: int) -> bool:
    """True when a duration is one note value: plain (breve to 64th), dotted (whole to 32nd), or a triplet
    value (half to 64th)."""
    return ticks in VALUES


def quarter_length(ticks: int) -> Fraction:
    """Ticks as quarter notes, exactly: 160 -> 1/3 (a triplet eighth)."""
    return Fraction(int(ticks), TPQ)


def _groups(ts: TimeSignature) -> list[int]:
    """Units of the levels between the bar and the beat: [960] in 4/4 (halves), [] in 3/4 and 6/8."""
    beat = beat_ticks(ts)
    return [level[0] for level in metrical_levels(ts)[1:] if level[0] > beat]


def _crossed(s: int, e: int, unit: int) -> bool:
    """True when a multiple of `unit` lies strictly inside (s, e)."""
    return unit > 0 and (s // unit + 1) * unit < e


def is_single(s: int, e: int, ts: TimeSignature, rest: bool = False) -> bool:
    """True when [s, e) (ticks from the bar line) may be written as one value under the module's rules."""
    d, bar, beat = e - s, ts.bar_ticks, beat_ticks(ts)
    if d <= 0:
        return False
    if rest and s == 0 and e == bar:
        return True  # a whole bar's rest
    if not is_value(d):
        return False
    if not _crossed(s, e, beat):  # within one beat
        return not rest or s % d == 0 or s % beat == 0
    if s % beat == 0:  # from a beat, over a beat boundary
        if is_compound(ts) and e % beat:
            return False  # in compound meter only whole beats: a half note in 6/8 is a dotted quarter tied
        for unit in _groups(ts):
            if _crossed(s, e, unit) and s % unit and (rest or d > unit):
                return False
        return True
    # off the beat, over a beat boundary: only the syncopation of simple meter
    return not rest and not is_compound(ts) and d == beat and s % (beat // 2) == 0 and beat % 2 == 0


def _boundaries(s: int, e: int, ts: TimeSignature) -> list[int]:
    """The ticks strictly inside (s, e) on the coarsest metrical level that has any there, ascending. Of a level
    of two units (a beat's halves and thirds) the one the span starts or ends on, so that a dotted eighth
    rest at the second sixteenth splits at the eighth, not at a triplet's third."""
    for level in metrical_levels(ts)[1:]:
        crossed = [u for u in level if _crossed(s, e, u)]
        if crossed:
            u = next((u for u in crossed if s % u == 0 or e % u == 0), crossed[0])
            return list(range((s // u + 1) * u, e, u))
    return []


def split_values(s: int, e: int, ts: TimeSignature, rest: bool = False) -> list[int]:
    """The durations (ticks) of the tied values that write [s, e), ticks from the bar line of a bar of `ts`;
    they sum to e - s. Of the boundaries of the coarsest level inside, the cut is the latest that leaves one
    value before it (5 eighths from beat 1 of 3/4: a half tied to an eighth, not a quarter tied to a dotted
    quarter). A span on no metrical grid is cut into the longest values that fit (a fallback that the
    notation writer's grid makes rare)."""
    if is_single(s, e, ts, rest):
        return [e - s]
    cuts = _boundaries(s, e, ts)
    if not cuts:
        return _greedy(e - s)
    cut = next((c for c in reversed(cuts) if is_single(s, c, ts, rest)), cuts[0])
    return split_values(s, cut, ts, rest) + split_values(cut, e, ts, rest)


def _greedy(d: int) -> list[int]:
    """The longest values first; a remainder no value fits is returned as it is."""
    out = []
    for v in sorted(VALUES, reverse=True):
        while d >= v:
            out.append(v)
            d -= v
    return out + ([d] if d else [])
