"""Small scores for the assistant's tests, built from chords given as (soprano, alto, tenor, bass) pitches."""

from tunesmith.score import Metadata, Score, TimeSignature, Track, note_array

Q = 480
NAMES = ("Soprano", "Alto", "Tenor", "Bass")


def chorale(*chords, quarters=1, start=0, meter=(4, 4), fermatas=(), title="test chorale") -> Score:
    """Four tracks, one chord every `quarters`, from tick `start` (a pickup when inside the first bar)."""
    step = int(quarters * Q)
    tracks = tuple(Track(note_array([(c[v], start + i * step, step) for i, c in enumerate(chords)]), name=NAMES[v])
                   for v in range(4))
    return Score(tracks=tracks, time_signatures=(TimeSignature(0, *meter),), fermatas=fermatas,
                 metadata=Metadata(title=title))


# a phrase in C major, voiced by the book: I IV V7 I | vi ii6/5 V I, with a quarter-note pickup
I, IV, V7, I2, VI, II65, V = (72, 67, 64, 48), (72, 69, 65, 53), (71, 65, 62, 55), (72, 64, 60, 48), \
    (72, 64, 60, 45), (74, 69, 60, 53), (74, 67, 59, 43)
PHRASE = (I, IV, V7, I2, VI, II65, V, I2)


def phrase_with_pickup() -> Score:
    return chorale(*PHRASE, start=3 * Q, fermatas=(6 * Q, 10 * Q))
