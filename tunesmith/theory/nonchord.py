"""Non-chord tones: the notes of each voice that are not in the chord sounding with them, and what they are.

The textbook categories (Aldwell & Schachter, *Harmony and Voice Leading*, 4th ed., ch. 11 and 14), by how a
tone is approached and left in its own voice, and whether it falls on the beat (accented):

- passing: by step, on by step in the same direction;
- neighbour: by step, back by step in the other direction;
- suspension: held over from the chord before (where it was a chord tone) into a chord where it is not,
  then down by step (a retardation: up by step);
- appoggiatura: on the beat, by leap, left by step the other way;
- anticipation: off the beat, then repeated as a tone of the next chord;
- escape tone: off the beat, by step, left by leap the other way;
- other: anything else (incomplete neighbours after a rest, chromatic inflections the chord does not hold).

"Step" is one or two semitones. A tone on the beat is one that starts where its harmony window starts.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from tunesmith.theory.chords import QUALITIES
from tunesmith.theory.harmony import Harmony

KINDS = ("passing", "neighbour", "suspension", "retardation", "appoggiatura", "anticipation", "escape", "other")


class NonChordTone(NamedTuple):
    voice: int  # index in `theory.voice_leading.voices` order (0: the highest)
    tick: int  # where it is dissonant: its onset, or for a suspension the start of the chord it clashes with
    pitch: int
    kind: str  # one of KINDS


def chord_tones(h: Harmony) -> frozenset[int]:
    """Pitch classes of the chord a harmony window names (its numeral's chord), empty where none."""
    if h.numeral is None:
        return frozenset()
    n = h.numeral
    return frozenset((n.root + s) % 12 for s in QUALITIES[n.quality])


def _step(d: int) -> bool:
    return 1 <= abs(d) <= 2


def non_chord_tones(parts: list[np.ndarray], harmony: list[Harmony]) -> list[NonChordTone]:
    """Every non-chord tone of every voice (note arrays highest first, as `voice_leading.voices` gives them),
    against per-window harmony from `theory.harmony.harmonize`; in time order."""
    if not harmony:
        return []
    starts = np.array([h.tick for h in harmony])
    tones = [chord_tones(h) for h in harmony]
    out: list[NonChordTone] = []
    for v, notes in enumerate(parts):
        line = notes[np.r_[notes["start"][1:] != notes["start"][:-1], True]] if len(notes) else notes
        on, end, pitch = line["start"], line["start"] + line["duration"], line["pitch"].astype(int)
        win = np.clip(np.searchsorted(starts, on, side="right") - 1, 0, None)
        for i in range(len(line)):
            p, w = int(pitch[i]), int(win[i])
            prev = int(pitch[i - 1]) if i and end[i - 1] == on[i] else None
            nxt = int(pitch[i + 1]) if i + 1 < len(line) and on[i + 1] == end[i] else None
            if tones[w] and p % 12 not in tones[w]:
                kind = _kind(p, prev, nxt, on[i] == starts[w], tones, win[i + 1] if nxt is not None else None)
                out.append(NonChordTone(v, int(on[i]), p, kind))
            # a tone held into later windows where it clashes: a suspension if prepared and resolved by step
            for w2 in range(w + 1, len(harmony)):
                if starts[w2] >= end[i]:
                    break
                if tones[w2] and p % 12 not in tones[w2] and (not tones[w] or p % 12 in tones[w]):
                    if nxt is not None and _step(nxt - p):
                        out.append(NonChordTone(v, int(starts[w2]), p, "suspension" if nxt < p else "retardation"))
                    break
    return sorted(out, key=lambda t: (t.tick, t.voice))


def _kind(p: int, prev: int | None, nxt: int | None, accented: bool, tones, next_window) -> str:
    d_in = None if prev is None else p - prev
    d_out = None if nxt is None else nxt - p
    if d_in is not None and d_out is not None:
        if d_in == 0 and accented and _step(d_out):
            return "suspension" if d_out < 0 else "retardation"  # re-struck rather than tied
        if _step(d_in) and _step(d_out):
            return "passing" if (d_in > 0) == (d_out > 0) else "neighbour"
        if accented and abs(d_in) > 2 and _step(d_out) and (d_in > 0) != (d_out > 0):
            return "appoggiatura"
        if not accented and _step(d_in) and abs(d_out) > 2 and (d_in > 0) != (d_out > 0):
            return "escape"
    if not accented and d_out == 0 and next_window is not None and p % 12 in tones[int(next_window)]:
        return "anticipation"
    if accented and d_out is not None and _step(d_out) and (d_in is None or abs(d_in) > 2):
        return "appoggiatura"
    return "other"
