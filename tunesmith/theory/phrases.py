"""Phrases and cadences: where a phrase ends, and whether it ends with a cadence.

The score model carries no phrase marks (nor fermatas), so a phrase end is found by rule. Phrases of the
common-practice and folk repertoires are built of 2- and 4-bar units that close on a long note (Caplin,
*Classical Form*, 1998, ch. 1-3). The units start at the first bar line at or after the first note
(`phrase_start`), so a pickup belongs to none. `phrase_ends` marks the melody's last note and, in the last
bar of each 2-bar unit before it, a long note: of the melody's notes starting in that bar that are as long
as its longest (or at least a half note), the latest that does not reach the bar line; if only one is that
long, that one. The note reaching the bar line is passed over because after a phrase-end note the next
phrase's pickup follows within the bar: in a bar of four quarters the phrase ends on beat 3, where a
chorale's fermata falls (148 of the 222 soprano fermatas of the chorales' valid split are where this rule
puts a phrase end). A caller that knows the phrase ends (fermatas) passes them instead.

A cadence is judged at a phrase end (Aldwell & Schachter, *Harmony and Voice Leading*, 4th ed., ch. 10):

- in music in parts, by the chords (`cadence_of_chords`): at the phrase end a root-position I (a major or
  minor triad on the tonic; in minor the major one, a Picardy third, too) approached by V or V7 (authentic)
  or IV or iv (plagal), or a root-position V or V7 approached by anything (half);
- in a melody alone, by scale degrees (`cadence_of_melody`): the phrase ends on degree 2, 5 or 7 (a tone of
  V: half close), or on degree 1 or 3 (a tone of I) coming from degree 2, 4, 5, 6 or 7 (a tone of V7 or IV:
  full close). Ending on 4 or 6, on a chromatic tone, or on 1 or 3 from the other tone of I is no cadence.

Chords are those of `chords_in_windows`: at the phrase end the beat starting there; the approach is the beat
before it, or the second half of that beat (so that a 4-3 suspension over V, or a cadential 6-4, resolving
on the off-beat is heard as the V it is). The key is the notated key in force at the phrase end, else the
key estimated for the whole piece.
"""

from __future__ import annotations

import numpy as np

from tunesmith.score.model import TPQ, KeySignature, Score
from tunesmith.theory.chords import Chord, chords_in_windows
from tunesmith.theory.keys import estimate_key
from tunesmith.theory.meter import beat_ticks
from tunesmith.theory.voice_leading import voices

UNIT_BARS = 2  # a phrase ends, at the latest, at the end of every UNIT_BARS bars
HALF = 2 * TPQ  # a note this long is as long as a phrase-end note need be
# semitones above the tonic -> scale degree; in minor the raised 6th and 7th are degrees 6 and 7 as well
DEGREES = {"major": {0: 1, 2: 2, 4: 3, 5: 4, 7: 5, 9: 6, 11: 7},
           "minor": {0: 1, 2: 2, 3: 3, 5: 4, 7: 5, 8: 6, 9: 6, 10: 7, 11: 7}}
DOMINANT = {"maj", "7"}  # V and V7 (a minor v is no dominant)
SUBDOMINANT = {"maj", "min"}  # IV and iv


def melody(score: Score) -> np.ndarray:
    """The notes of the highest voice (`theory.voice_leading.voices`), its highest note at each onset."""
    parts = voices(score)
    if not parts:
        return score.all_notes()[:0]
    notes = parts[0]  # sorted by (start, pitch): the last of each start is the highest
    return notes[np.r_[notes["start"][1:] != notes["start"][:-1], True]]


def bar_edges(score: Score) -> np.ndarray:
    """Bar starts from tick 0 through the bar holding the score's end, and the end of that bar."""
    starts = score.bar_starts(score.end)
    sig = [s for s in score.time_signatures if s.tick <= starts[-1]] or [score.time_signatures[0]]
    return np.append(starts, starts[-1] + sig[-1].bar_ticks)


def phrase_start(score: Score) -> int:
    """Index of the first bar that starts at or after the first note: where 2-bar units are counted from
    (a pickup before it belongs to none). 0 for a score without notes."""
    notes = score.all_notes()
    if not len(notes):
        return 0
    return int(np.searchsorted(bar_edges(score), notes["start"].min(), side="left"))


def phrase_ends(score: Score, unit_bars: int = UNIT_BARS) -> np.ndarray:
    """Ticks of the phrase-end notes found by rule (see the module doc), ascending."""
    line = melody(score)
    if not len(line):
        return np.zeros(0, np.int64)
    edges = bar_edges(score)
    bar = np.searchsorted(edges, line["start"], side="right") - 1  # bar of each melody note
    first, last = phrase_start(score), int(bar.max())
    ends = []
    for b in range(first + unit_bars - 1, last, unit_bars):
        here = np.flatnonzero(bar == b)
        if not len(here):
            continue
        start, length = line["start"][here], line["duration"][here]
        long = np.flatnonzero(length >= min(HALF, length.max()))
        inner = long[start[long] + length[long] < edges[b + 1]]  # not the note reaching the bar line
        ends.append(int(start[(inner if len(inner) and len(long) > 1 else long)[-1]]))
    ends.append(int(line["start"][-1]))  # the piece ends a phrase on its last note
    return np.array(ends, dtype=np.int64)


def key_at(score: Score, tick: int) -> KeySignature | None:
    """The notated key in force at `tick` (the first one before it starts), else the estimated key."""
    keys = score.key_signatures
    if keys:
        return [k for k in keys if k.tick <= tick][-1] if keys[0].tick <= tick else keys[0]
    return estimate_key(score)


def degree(pitch_class: int, key: KeySignature) -> int | None:
    """Scale degree 1-7 of a pitch class in a key (`DEGREES`), None for a chromatic tone."""
    return DEGREES.get(key.mode, DEGREES["major"]).get((pitch_class - key.tonic) % 12)


def is_tonic_triad(chord: Chord | None, key: KeySignature) -> bool:
    """A triad on the tonic of the key's quality; in minor also the major one (a Picardy third). Any
    inversion, with or without its fifth."""
    allowed = {"maj"} if key.mode == "major" else {"maj", "min"}
    return chord is not None and chord.root == key.tonic and chord.quality in allowed


def cadence_of_chords(before: Chord | None, at: Chord | None, key: KeySignature) -> str | None:
    """"authentic" (V(7) -> I), "plagal" (IV/iv -> I), "half" (x -> V(7)), or None; I and V in root position
    at the phrase end (see the module doc)."""
    if at is None or at.bass != at.root:
        return None
    if at.root == (key.tonic + 7) % 12 and at.quality in DOMINANT:
        return "half"
    if not is_tonic_triad(at, key) or before is None:
        return None
    if before.root == (key.tonic + 7) % 12 and before.quality in DOMINANT:
        return "authentic"
    if before.root == (key.tonic + 5) % 12 and before.quality in SUBDOMINANT:
        return "plagal"
    return None


def cadence_of_melody(before: int | None, at: int, key: KeySignature) -> str | None:
    """"half" (ends on degree 2, 5 or 7), "full" (on 1 or 3 from 2, 4, 5, 6 or 7), or None; pitch classes
    of the phrase-end note and of the last melody note before it of another pitch class (None: none)."""
    d = degree(at, key)
    if d in (2, 5, 7):
        return "half"
    if d in (1, 3) and before is not None and degree(before, key) in (2, 4, 5, 6, 7):
        return "full"
    return None


def cadence_at(score: Score, tick: int, key: KeySignature | None = None) -> str | None:
    """The cadence at a phrase end: by chords when two or more voices play, else by the melody."""
    key = key or key_at(score, tick)
    if key is None:
        return None
    if len(voices(score)) >= 2:
        sig = [s for s in score.time_signatures if s.tick <= tick] or [score.time_signatures[0]]
        beat = beat_ticks(sig[-1])
        at = chords_in_windows(score, [tick, tick + beat])[0].chord
        if tick < beat:
            return cadence_of_chords(None, at, key)
        beat_before, half_before = (chords_in_windows(score, [a, tick])[0].chord for a in (tick - beat,
                                                                                          tick - beat // 2))
        return cadence_of_chords(beat_before, at, key) or cadence_of_chords(half_before, at, key)
    line = melody(score)
    i = np.flatnonzero(line["start"] <= tick)
    if not len(i):
        return None
    pcs = line["pitch"][: i[-1] + 1].astype(np.int64) % 12
    earlier = np.flatnonzero(pcs[:-1] != pcs[-1])
    return cadence_of_melody(int(pcs[earlier[-1]]) if len(earlier) else None, int(pcs[-1]), key)
