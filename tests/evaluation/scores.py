"""Tiny hand-made scores for the evaluation tests: notes from (pitch, start, duration) tuples."""

from tunesmith.score import Score, TimeSignature, Track, note_array

Q = 480  # a quarter note in ticks


def melody(pitches, quarters=1, start=0):
    """A note array: one note per pitch, each `quarters` long (a list gives one length per note)."""
    lengths = quarters if isinstance(quarters, list | tuple) else [quarters] * len(pitches)
    rows, t = [], start
    for p, q in zip(pitches, lengths, strict=True):
        rows.append((p, t, int(q * Q)))
        t += int(q * Q)
    return note_array(rows)


def score_of(*tracks, meter=(4, 4)):
    """A Score from note arrays (or Tracks), in one meter."""
    return Score(tracks=tuple(t if isinstance(t, Track) else Track(t) for t in tracks),
                 time_signatures=(TimeSignature(0, *meter),))


def chorale(*chords, quarters=1):
    """Four voices from chords given as (soprano, alto, tenor, bass) pitches, one chord per `quarters`."""
    return score_of(*(melody([c[v] for c in chords], quarters) for v in range(4)))


C_MAJOR_SCALE = [60, 62, 64, 65, 67, 69, 71]  # C4..B4: each pitch class once
