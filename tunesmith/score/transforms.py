"""Pure transforms `Score -> Score`. None mutates its input; a transform that drops notes says how many."""

from __future__ import annotations

import dataclasses
from typing import NamedTuple

import numpy as np

from tunesmith.score.model import TPQ, KeySignature, Score, TimeSignature, Track, note_array, sort_notes


class Transposed(NamedTuple):
    score: Score
    dropped: int  # notes pushed outside the allowed pitch range and removed


def transpose(score: Score, semitones: int, low: int = 0, high: int = 127) -> Transposed:
    """Shift every pitched note (drums stay) and the key signatures; notes leaving [low, high] are dropped."""
    dropped = 0
    tracks = []
    for t in score.tracks:
        if t.is_drum:
            tracks.append(t)
            continue
        notes = t.notes.copy()
        notes["pitch"] += semitones
        keep = (notes["pitch"] >= low) & (notes["pitch"] <= high)
        dropped += int((~keep).sum())
        tracks.append(t.replace(notes=notes[keep]))
    keys = tuple(KeySignature(k.tick, (k.tonic + semitones) % 12, k.mode) for k in score.key_signatures)
    chords = tuple(dataclasses.replace(c, root=(c.root + semitones) % 12) for c in score.chords)
    return Transposed(score.replace(tracks=tuple(tracks), key_signatures=keys, chords=chords), dropped)


def quantize(score: Score, steps_per_quarter: int = 4) -> Score:
    """Snap onsets and offsets to a grid; a note that would vanish keeps one grid step."""
    if steps_per_quarter < 1 or TPQ % steps_per_quarter:
        raise ValueError(f"steps_per_quarter must be a positive divisor of {TPQ}, not {steps_per_quarter}")
    grid = TPQ // steps_per_quarter

    def snap(x):
        return (np.floor_divide(x + grid // 2, grid)) * grid

    tracks = []
    for t in score.tracks:
        notes = t.notes.copy()
        start, end = snap(notes["start"]), snap(notes["start"] + notes["duration"])
        notes["start"], notes["duration"] = start, np.maximum(end - start, grid)
        tracks.append(t.replace(notes=notes))
    return score.replace(tracks=tuple(tracks), fermatas=tuple(int(x) for x in snap(np.array(score.fermatas, np.int64))))


def slice_bars(score: Score, first: int, stop: int) -> Score:
    """Bars [first, stop) as a new score starting at tick 0; notes crossing the edges are clipped."""
    if not 0 <= first < stop:
        raise ValueError(f"need 0 <= first < stop, got {first}, {stop}")
    # bars through the last note and the last time signature; past those, bars of the last signature
    last = score.time_signatures[-1]
    bars = score.bar_starts(max(score.end, last.tick) + 1)

    def bar_tick(i: int) -> int:
        return int(bars[i]) if i < len(bars) else int(bars[-1]) + (i - len(bars) + 1) * max(last.bar_ticks, 1)

    lo, hi = bar_tick(first), bar_tick(stop)
    tracks = []
    for t in score.tracks:
        n = t.notes
        s, e = np.maximum(n["start"], lo), np.minimum(n["start"] + n["duration"], hi)
        keep = e > s
        out = n[keep].copy()
        out["start"], out["duration"] = s[keep] - lo, (e - s)[keep]
        tracks.append(t.replace(notes=out))

    def shift(events, make):
        before = [e for e in events if e.tick <= lo]
        inside = [e for e in events if lo < e.tick < hi]
        return tuple(make(e, 0) for e in before[-1:]) + tuple(make(e, e.tick - lo) for e in inside)

    def at(e, tick):
        return dataclasses.replace(e, tick=tick)

    return score.replace(
        tracks=tuple(tracks),
        tempos=shift(score.tempos, at),
        time_signatures=shift(score.time_signatures, at) or (TimeSignature(0, 4, 4),),
        key_signatures=shift(score.key_signatures, at),
        fermatas=tuple(t - lo for t in score.fermatas if lo <= t < hi),
        chords=shift(score.chords, at),  # the chord sounding at the cut is restated at 0
    )


def merge_tracks(score: Score, program: int | None = None, name: str = "merged") -> Score:
    """All non-drum tracks as one track (program of the first unless given); drum tracks are kept apart."""
    pitched = [t for t in score.tracks if not t.is_drum]
    drums = [t for t in score.tracks if t.is_drum]
    if not pitched:
        return score
    notes = sort_notes(np.concatenate([t.notes for t in pitched]))
    merged = Track(notes, program=pitched[0].program if program is None else program, name=name)
    return score.replace(tracks=(merged, *drums))


def split_tracks(score: Score, by: str = "program") -> Score:
    """Split tracks: `by="program"` groups tracks of one program together; `by="pitch"` splits each track
    at middle C into an upper and a lower track (right and left hand)."""
    if by == "program":
        groups: dict[tuple[int, bool], list[Track]] = {}
        for t in score.tracks:
            groups.setdefault((t.program, t.is_drum), []).append(t)
        tracks = tuple(
            Track(sort_notes(np.concatenate([t.notes for t in ts])), program=p, name=ts[0].name, is_drum=d)
            for (p, d), ts in groups.items()
        )
    elif by == "pitch":
        tracks = []
        for t in score.tracks:
            up = t.notes["pitch"] >= 60
            tracks += [t.replace(notes=t.notes[up], name=f"{t.name} upper".strip()),
                       t.replace(notes=t.notes[~up], name=f"{t.name} lower".strip())]
        tracks = tuple(tracks)
    else:
        raise ValueError(f"split by 'program' or 'pitch', not {by!r}")
    return score.replace(tracks=tracks)


def skyline(score: Score) -> Score:
    """The melody by the skyline algorithm: at each onset keep the highest pitch of the non-drum tracks, and
    cut a note short where a later melody note begins. Returns one track; other notes are dropped."""
    notes = score.all_notes()
    if not len(notes):
        return score.replace(tracks=(Track(note_array(), name="melody"),))
    # highest pitch per onset: sort by start then pitch, keep the last of each start
    last = np.r_[notes["start"][1:] != notes["start"][:-1], True]
    top = notes[last].copy()
    nxt = np.r_[top["start"][1:], np.iinfo(np.int64).max]
    top["duration"] = np.minimum(top["duration"], nxt - top["start"])
    program = next((t.program for t in score.tracks if not t.is_drum), 0)
    return score.replace(tracks=(Track(top, program=program, name="melody"),))


# --- motif transforms: how a motif is developed ----------------------------------------------------------------
def invert(score: Score, axis: int, low: int = 0, high: int = 127) -> Transposed:
    """Mirror every pitched note around MIDI pitch `axis` (chromatic inversion: a rising third falls a third);
    notes leaving [low, high] are dropped. `theory.motif.diatonic_invert` keeps the notes in a key."""
    dropped = 0
    tracks = []
    for t in score.tracks:
        if t.is_drum:
            tracks.append(t)
            continue
        notes = t.notes.copy()
        notes["pitch"] = 2 * axis - notes["pitch"].astype(np.int64)
        keep = (notes["pitch"] >= low) & (notes["pitch"] <= high)
        dropped += int((~keep).sum())
        tracks.append(t.replace(notes=sort_notes(notes[keep])))
    return Transposed(score.replace(tracks=tuple(tracks)), dropped)


def retrograde(score: Score) -> Score:
    """The notes backwards in time: a note ending `x` ticks before the end begins `x` ticks after the first
    onset. The span from the first onset to the last offset is kept; fermatas are mirrored the same way."""
    notes = score.all_notes()
    if not len(notes):
        return score
    first, end = int(notes["start"].min()), score.end
    tracks = []
    for t in score.tracks:
        n = t.notes.copy()
        n["start"] = first + end - (n["start"] + n["duration"])
        tracks.append(t.replace(notes=sort_notes(n)))
    fermatas = tuple(sorted(first + end - f for f in score.fermatas))
    return score.replace(tracks=tuple(tracks), fermatas=fermatas)


def scale_time(score: Score, factor: float) -> Score:
    """Onsets and durations times `factor` (2: augmentation, 0.5: diminution), rounded to whole ticks; a note
    keeps at least one tick. Tempo, meter and key maps stay where they are."""
    if not 0 < factor <= 64:
        raise ValueError(f"time factor must be in (0, 64], got {factor}")
    tracks = []
    for t in score.tracks:
        n = t.notes.copy()
        start = np.rint(n["start"] * factor).astype(np.int64)
        end = np.rint((n["start"] + n["duration"]) * factor).astype(np.int64)
        n["start"], n["duration"] = start, np.maximum(end - start, 1)
        tracks.append(t.replace(notes=n))
    return score.replace(tracks=tuple(tracks), fermatas=tuple(int(round(f * factor)) for f in score.fermatas))


def fragment(score: Score, first: int, stop: int) -> Score:
    """Onsets [first, stop) of the score (counted over all tracks, chords as one onset) as a new score that
    begins at the first of them: the head or tail of a motif."""
    onsets = np.unique(score.all_notes()["start"])
    if not 0 <= first < stop <= len(onsets):
        raise ValueError(f"need 0 <= first < stop <= {len(onsets)} onsets, got {first}, {stop}")
    lo = int(onsets[first])
    hi = int(onsets[stop]) if stop < len(onsets) else score.end + 1
    tracks = []
    for t in score.tracks:
        n = t.notes[(t.notes["start"] >= lo) & (t.notes["start"] < hi)].copy()
        n["duration"] = np.minimum(n["start"] + n["duration"], max(hi, lo + 1)) - n["start"]
        n["start"] -= lo
        tracks.append(t.replace(notes=n))
    return score.replace(tracks=tuple(tracks), fermatas=tuple(f - lo for f in score.fermatas if lo <= f < hi))


def append(score: Score, other: Score, at: int | None = None) -> Score:
    """`other`'s notes track by track after `score`'s, beginning at tick `at` (default: where `score` ends);
    the maps of `score` are kept. Tracks `score` lacks are taken from `other`."""
    at = score.end if at is None else at
    tracks = list(score.tracks)
    for i, t in enumerate(other.tracks):
        n = t.notes.copy()
        n["start"] += at
        if i < len(tracks):
            tracks[i] = tracks[i].replace(notes=sort_notes(np.concatenate([tracks[i].notes, n])))
        else:
            tracks.append(t.replace(notes=n))
    return score.replace(tracks=tuple(tracks), fermatas=score.fermatas + tuple(f + at for f in other.fermatas))
