"""Tiny hand-made scores for the theory tests: notes from (pitch, start, duration) tuples."""

from tunesmith.score import Metadata, Score, TimeSignature, Track, note_array

Q = 480  # a quarter note in ticks


def melody(pitches, quarters=1, start=0):
    """A note array: one note per pitch, each `quarters` long (a list gives one length per note)."""
    lengths = quarters if isinstance(quarters, list | tuple) else [quarters] * len(pitches)
    rows, t = [], start
    for p, q in zip(pitches, lengths, strict=True):
        rows.append((p, t, int(q * Q)))
        t += int(q * Q)
    return note_array(rows)


FOUR_FOUR = (TimeSignature(0, 4, 4),)
NO_METADATA = Metadata()


def score_of(*tracks, time_signatures=FOUR_FOUR, key_signatures=(), metadata=NO_METADATA):
    """A Score from note arrays (or Tracks)."""
    return Score(
        tracks=tuple(t if isinstance(t, Track) else Track(t) for t in tracks),
        time_signatures=time_signatures,
        key_signatures=key_signatures,
        metadata=metadata,
    )
