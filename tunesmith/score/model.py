"""The one music data model every stage speaks.

A `Score` is tracks of notes on integer ticks at a fixed resolution (`TPQ` ticks per quarter note),
with tempo, time-signature and key-signature maps and metadata. Seconds are derived, never stored.
Notes of a track live in one numpy structured array (start, duration, pitch, velocity), sorted by
(start, pitch): a chorale is four small arrays, a corpus of 10k tunes loads from one flat cache, and
transforms are vectorized. Everything is immutable: transforms return new scores.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np

from tunesmith.errors import ScoreError

TPQ = 480  # ticks per quarter note, for every score
NOTE_DTYPE = np.dtype([("start", "<i8"), ("duration", "<i8"), ("pitch", "<i2"), ("velocity", "<i2")])
MAX_NOTES = 500_000  # a score with more notes than this is treated as absurd input
MAX_TICK = 2**31 - 1  # the last tick a note may end on (MIDI readers and writers use 32-bit ticks)
DEFAULT_QPM = 120.0
# pitch-class spelling used everywhere (theory.pitch re-exports it): the score layer names keys itself
PITCH_CLASS_NAMES = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")


def note_array(notes=()) -> np.ndarray:
    """Build a sorted note array from (pitch, start, duration[, velocity]) tuples; velocity defaults to 80."""
    rows = [(int(n[1]), int(n[2]), int(n[0]), int(n[3]) if len(n) > 3 else 80) for n in notes]
    return sort_notes(np.array(rows, dtype=NOTE_DTYPE))


def sort_notes(notes: np.ndarray) -> np.ndarray:
    """Notes in canonical order: by start, then pitch, then duration."""
    notes = np.asarray(notes, dtype=NOTE_DTYPE)
    return notes[np.lexsort((notes["duration"], notes["pitch"], notes["start"]))]


_NOTE_ROW = np.dtype((np.void, NOTE_DTYPE.itemsize))


def concat_notes(parts) -> np.ndarray:
    """NOTE_DTYPE arrays end to end, not sorted (the array itself when there is only one)."""
    if len(parts) == 1:
        return parts[0]
    if not parts:
        return note_array()
    # as rows of raw bytes: numpy's concatenate of structured arrays promotes their fields in Python (~20 us)
    return np.concatenate([np.asarray(p, dtype=NOTE_DTYPE).view(_NOTE_ROW) for p in parts]).view(NOTE_DTYPE)


def check_notes(n: np.ndarray) -> None:
    """Raise ScoreError if the notes (one NOTE_DTYPE array, any order) are more than a score may hold or
    absurd: pitch or velocity outside 0..127, a length of zero or less, a negative start, an end past MAX_TICK."""
    if len(n) > MAX_NOTES:
        raise ScoreError(f"{len(n)} notes is more than the {MAX_NOTES} a score may hold")
    if not len(n):
        return
    # a value in 0..127 has no bit set above the seventh (a negative one has them all)
    if ((n["pitch"] | n["velocity"]) & ~127).any():
        raise ScoreError("pitch outside 0..127" if (n["pitch"] & ~127).any() else "velocity outside 0..127")
    if n["duration"].min() <= 0 or n["start"].min() < 0:
        raise ScoreError("note with zero or negative length, or negative start")
    # MIDI (and symusic) hold ticks in 32 bits; later ticks would wrap around silently
    if int((n["start"] + n["duration"]).max()) > MAX_TICK:
        raise ScoreError(f"note ends after tick {MAX_TICK}")


@dataclass(frozen=True)
class Tempo:
    tick: int
    qpm: float  # quarter notes per minute


@dataclass(frozen=True)
class TimeSignature:
    tick: int
    numerator: int
    denominator: int

    @property
    def bar_ticks(self) -> int:
        return self.numerator * TPQ * 4 // self.denominator


@dataclass(frozen=True)
class KeySignature:
    tick: int
    tonic: int  # pitch class 0..11 (0 = C)
    mode: str  # "major" or "minor"

    @property
    def name(self) -> str:
        return f"{PITCH_CLASS_NAMES[self.tonic % 12]} {self.mode}"


@dataclass(frozen=True)
class Metadata:
    title: str = ""
    composer: str = ""
    collection: str = ""  # source collection, e.g. "chorales", "essen"
    style: str = ""  # style label used for conditioning, e.g. "bach", "folk"
    license: str = ""
    source: str = ""  # where it came from: a path or a corpus id


@dataclass(frozen=True, eq=False)
class Track:
    notes: np.ndarray = field(default_factory=lambda: note_array())
    program: int = 0  # General MIDI program 0..127
    name: str = ""
    is_drum: bool = False

    def __post_init__(self):
        object.__setattr__(self, "notes", sort_notes(self.notes))

    @classmethod
    def presorted(cls, notes: np.ndarray, program: int = 0, name: str = "", is_drum: bool = False) -> Track:
        """A track of a NOTE_DTYPE array the caller has already put in canonical order (see `sort_notes`),
        taken as it is: no copy, no sort. For readers that sort a whole file in one call."""
        track = object.__new__(cls)
        track.__dict__.update(notes=notes, program=program, name=name, is_drum=is_drum)  # frozen: no setattr
        return track

    def __eq__(self, other):
        return (
            isinstance(other, Track)
            and (self.program, self.name, self.is_drum) == (other.program, other.name, other.is_drum)
            and np.array_equal(self.notes, other.notes)
        )

    def __len__(self) -> int:
        return len(self.notes)

    def replace(self, **changes) -> Track:
        return dataclasses.replace(self, **changes)


# chord-symbol qualities a score may carry (those of tunesmith.theory.chords, which the score model cannot import:
# it is the lowest layer)
CHORD_QUALITIES = ("maj", "min", "dim", "aug", "sus4", "sus2", "7", "maj7", "m7", "m7b5", "dim7", "mMaj7", "6", "m6",
                   "9", "maj9", "m9", "5")


@dataclass(frozen=True)
class ChordSymbol:
    """A chord symbol written above the music from `tick` on (a lead sheet's "G", "Em", "D7"): root pitch class
    0..11 and a quality of CHORD_QUALITIES. It names the harmony; the notes that sound are the tracks'."""

    tick: int
    root: int
    quality: str = "maj"


@dataclass(frozen=True, eq=False)
class Score:
    tracks: tuple[Track, ...] = ()
    tempos: tuple[Tempo, ...] = (Tempo(0, DEFAULT_QPM),)
    time_signatures: tuple[TimeSignature, ...] = (TimeSignature(0, 4, 4),)
    key_signatures: tuple[KeySignature, ...] = ()
    metadata: Metadata = Metadata()
    # ticks at which a fermata stands over the music beginning there (every voice): where a phrase ends, in a
    # chorale; sorted, each once
    fermatas: tuple[int, ...] = ()
    # chord symbols (a lead sheet's harmony, written above the top staff), sorted by tick
    chords: tuple[ChordSymbol, ...] = ()

    def __post_init__(self):
        for name in ("tracks", "tempos", "time_signatures", "key_signatures"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        if self.fermatas:
            object.__setattr__(self, "fermatas", tuple(sorted({int(t) for t in self.fermatas})))
        for name in ("tempos", "time_signatures", "key_signatures", "chords"):
            object.__setattr__(self, name, tuple(sorted(getattr(self, name), key=lambda e: e.tick)))
        if not self.tempos:
            object.__setattr__(self, "tempos", (Tempo(0, DEFAULT_QPM),))
        if not self.time_signatures:
            object.__setattr__(self, "time_signatures", (TimeSignature(0, 4, 4),))

    def __eq__(self, other):
        return isinstance(other, Score) and all(
            getattr(self, f.name) == getattr(other, f.name) for f in dataclasses.fields(self)
        )

    def replace(self, **changes) -> Score:
        return dataclasses.replace(self, **changes)

    @property
    def note_count(self) -> int:
        return sum(len(t) for t in self.tracks)

    @property
    def end(self) -> int:
        """Tick at which the last note ends (0 for an empty score)."""
        ends = [int((t.notes["start"] + t.notes["duration"]).max()) for t in self.tracks if len(t)]
        return max(ends, default=0)

    def all_notes(self) -> np.ndarray:
        """Notes of every non-drum track in one sorted array."""
        return sort_notes(concat_notes([t.notes for t in self.tracks if not t.is_drum]))

    def bar_starts(self, end: int | None = None) -> np.ndarray:
        """Ticks at which bars start before `end` (default: score end), following the time-signature map.
        Ticks before the first time signature are in 4/4, the MIDI default. Always holds at least tick 0."""
        end = self.end if end is None else end
        sigs = self.time_signatures
        if sigs[0].tick > 0:
            sigs = (TimeSignature(0, 4, 4), *sigs)
        starts: list[int] = []
        for i, sig in enumerate(sigs):
            stop = min(sigs[i + 1].tick, end) if i + 1 < len(sigs) else end
            starts.extend(range(sig.tick, stop, max(sig.bar_ticks, 1)))
        return np.array(starts or [0], dtype=np.int64)

    def seconds(self, tick) -> np.ndarray:
        """Seconds at each tick, from the tempo map; before the first tempo, 120 qpm (the MIDI default)."""
        tempos = self.tempos if self.tempos[0].tick <= 0 else (Tempo(0, DEFAULT_QPM), *self.tempos)
        ticks = np.asarray(tick, dtype=np.float64)
        starts = np.array([t.tick for t in tempos], dtype=np.float64)
        spt = np.array([60.0 / (t.qpm * TPQ) for t in tempos])  # seconds per tick
        offsets = np.concatenate([[0.0], np.cumsum(np.diff(starts) * spt[:-1])])
        i = np.clip(np.searchsorted(starts, ticks, side="right") - 1, 0, None)
        return offsets[i] + (ticks - starts[i]) * spt[i]

    @property
    def duration_seconds(self) -> float:
        return float(self.seconds(self.end))

    def validate(self, notes: bool = True) -> Score:
        """Raise ScoreError if the score is absurd; return it unchanged otherwise. `notes=False` leaves out
        the notes (`check_notes`), for a reader that has checked them already in the one array it built."""
        if notes:
            check_notes(concat_notes([t.notes for t in self.tracks]))
        for t in self.tracks:
            if not 0 <= t.program <= 127:
                raise ScoreError(f"program {t.program} outside 0..127")
        for tick in self.fermatas:
            if not 0 <= tick <= MAX_TICK:
                raise ScoreError(f"fermata at tick {tick}, outside 0..{MAX_TICK}")
        for c in self.chords:
            if not (0 <= c.tick <= MAX_TICK and 0 <= c.root <= 11 and c.quality in CHORD_QUALITIES):
                raise ScoreError(f"chord symbol {c} is absurd (tick 0..{MAX_TICK}, root 0..11, a quality of "
                                 f"{', '.join(CHORD_QUALITIES)})")
        for event in (*self.tempos, *self.time_signatures, *self.key_signatures):
            if not 0 <= event.tick <= MAX_TICK:
                raise ScoreError(f"{type(event).__name__} at tick {event.tick}, outside 0..{MAX_TICK}")
        for tempo in self.tempos:
            if not 1.0 <= tempo.qpm <= 1000.0:
                raise ScoreError(f"tempo {tempo.qpm} qpm is absurd (allowed 1..1000)")
        for sig in self.time_signatures:
            if sig.numerator < 1 or sig.denominator not in (1, 2, 4, 8, 16, 32, 64):
                raise ScoreError(f"time signature {sig.numerator}/{sig.denominator} is invalid")
        for key in self.key_signatures:
            if key.tonic not in range(12) or key.mode not in ("major", "minor"):
                raise ScoreError(f"key signature (tonic {key.tonic!r}, mode {key.mode!r}) is invalid")
        return self
