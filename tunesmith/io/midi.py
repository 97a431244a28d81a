"""MIDI read and write through symusic (a C++ parser: fast, and strict about corrupt files)."""

from __future__ import annotations

import dataclasses
import functools
import os
from pathlib import Path

import numpy as np

from tunesmith.errors import ScoreError
from tunesmith.score.model import (
    MAX_NOTES,
    NOTE_DTYPE,
    TPQ,
    KeySignature,
    Metadata,
    Score,
    Tempo,
    TimeSignature,
    Track,
    check_notes,
)

FERMATA = "fermata"  # the text of the marker meta event that carries a fermata
# a whole opera in MIDI is a few MB; past this a file is hostile, and symusic would hold all of it in memory
MAX_MIDI_BYTES = 32 << 20


def key_from_sharps(sharps: int, minor: bool) -> KeySignature:
    major_tonic = (7 * sharps) % 12
    return KeySignature(0, (major_tonic + 9) % 12 if minor else major_tonic, "minor" if minor else "major")


def sharps_from_key(key: KeySignature) -> int:
    major_tonic = (key.tonic + 3) % 12 if key.mode == "minor" else key.tonic
    s = (7 * major_tonic) % 12
    return s - 12 if s > 6 else s


def from_symusic(sm, source: str = "") -> Score:
    """Convert a symusic Score (any resolution) to a tunesmith Score at TPQ; an absurd one raises ScoreError."""
    return _score(sm, Metadata(title=Path(source).stem if source else "", source=source))


def _score(sm, metadata: Metadata) -> Score:
    tpq = int(sm.ticks_per_quarter)
    if tpq <= 0:
        raise ScoreError(f"resolution {tpq} ticks per quarter is invalid")
    tracks = list(sm.tracks)
    notes, counts = _notes(tracks, tpq)
    ours, at = [], 0
    for t, n in zip(tracks, counts):
        ours.append(Track.presorted(notes[at:at + n], t.program, t.name, t.is_drum))  # already int, str, bool
        at += n
    check_notes(notes)  # every track at once, in the array they were cut from
    return Score(tracks=tuple(ours), **_maps(sm, tpq), metadata=metadata).validate(notes=False)


# symusic pickles a note list as a uint32 count and then its C++ structs as they lie in memory: 12 bytes, two
# of them padding. Reading that is 10x faster than `numpy()` (about 5 us a call, whatever the size), which
# dominated reading a file of a few hundred notes. `_pickle_layout_holds` checks the layout once against
# `numpy()`, and reading falls back to `numpy()` should a symusic release change it.
_PICKLED_NOTE = np.dtype({"names": ["start", "duration", "pitch", "velocity"], "formats": ["<i4", "<i4", "i1", "i1"],
                          "offsets": [0, 4, 8, 9], "itemsize": 12})
_SYMUSIC_NAMES = ("time", "duration", "pitch", "velocity")  # of `numpy()`, in the order of _PICKLED_NOTE


@functools.cache
def _pickle_layout_holds() -> bool:
    import symusic

    probe = symusic.Note.from_numpy(
        np.array([0, 1, -(2**31), 2**31 - 1], np.int32), np.array([7, 2**30 + 3, 2**31 - 1, -5], np.int32),
        np.array([0, 127, -1, 64], np.int8), np.array([1, -128, 127, 0], np.int8))
    state, want = probe.__getstate__(), probe.numpy()
    if len(state) != 4 + 4 * _PICKLED_NOTE.itemsize or int.from_bytes(state[:4], "little") != 4:
        return False
    got = np.frombuffer(state, _PICKLED_NOTE, offset=4)
    return all(np.array_equal(got[ours], want[theirs]) for ours, theirs in zip(_PICKLED_NOTE.names, _SYMUSIC_NAMES))


def _raw_notes(tracks) -> tuple[np.ndarray, list[int]]:
    """Every track's notes end to end as symusic holds them (a _PICKLED_NOTE array), and each track's count."""
    if _pickle_layout_holds():
        states = [t.notes.__getstate__() for t in tracks]
        counts = [(len(s) - 4) // _PICKLED_NOTE.itemsize for s in states]
        return np.frombuffer(b"".join([s[4:] for s in states]), _PICKLED_NOTE), counts
    cols = [t.notes.numpy() for t in tracks]
    raw = np.empty(sum(len(c["time"]) for c in cols), _PICKLED_NOTE)
    for ours, theirs in zip(_PICKLED_NOTE.names, _SYMUSIC_NAMES):
        if cols:
            np.concatenate([c[theirs] for c in cols], out=raw[ours])
    return raw, [len(c["time"]) for c in cols]


def _notes(tracks, tpq: int) -> tuple[np.ndarray, list[int]]:
    """Every track's notes in one NOTE_DTYPE array at TPQ, sorted track by track, and each track's count."""
    raw, counts = _raw_notes(tracks)
    if len(raw) and raw["duration"].min() <= 0:  # zero-length notes carry no music
        keep = raw["duration"] > 0
        counts = np.bincount(np.repeat(np.arange(len(counts)), counts)[keep], minlength=len(counts)).tolist()
        raw = raw[keep]
    notes = raw.astype(NOTE_DTYPE)  # field by field, to int64 and int16
    if tpq != TPQ:
        # symusic's own resample (min_dur=1), in int64: ticks past int32 become a ScoreError in validate,
        # not an OverflowError; zero-length notes were dropped first so that none becomes a one-tick note
        notes["start"] = _rescale(notes["start"], tpq)
        notes["duration"] = np.maximum(_rescale(notes["duration"], tpq), 1)
    return (notes if _in_order(notes, counts) else notes[_order(notes, counts)]), counts


def _in_order(notes: np.ndarray, counts: list[int]) -> bool:
    """Whether each track's notes are in canonical order (see `sort_notes`) already, as symusic hands most
    files over: by start, then pitch, then duration."""
    if len(notes) < 2:
        return True
    start = notes["start"]
    step = start[1:] - start[:-1]
    at = 0
    for n in counts[:-1]:  # a track's first note may start before the last note of the track before
        at += n
        if 0 < at < len(notes):
            step[at - 1] = 1
    low = step.min()
    if low != 0:
        return bool(low > 0)
    tie = np.flatnonzero(step == 0)  # chords: same start, so pitch then duration decide
    pitch_step = notes["pitch"][tie + 1] - notes["pitch"][tie]
    if (pitch_step < 0).any():
        return False
    tie = tie[pitch_step == 0]
    return bool((notes["duration"][tie + 1] >= notes["duration"][tie]).all())


def _order(notes: np.ndarray, counts: list[int]) -> np.ndarray:
    track = np.repeat(np.arange(len(counts)), counts)
    return np.lexsort((notes["duration"], notes["pitch"], notes["start"], track))


def _rescale(ticks: np.ndarray, tpq: int) -> np.ndarray:
    """ticks * TPQ / tpq rounded half away from zero (C++ std::round), exactly as symusic's resample does."""
    x = ticks * (TPQ / tpq)  # the float64 product symusic computes; int64 ticks hold any int32 tick times 480
    whole = np.trunc(x)
    return (whole + np.sign(x) * (np.abs(x - whole) >= 0.5)).astype(np.int64)


def _maps(sm, tpq: int) -> dict:
    """Tempo, time-signature and key-signature maps at TPQ (a few events: plain Python beats numpy here)."""
    tempos, sigs, keys = sm.tempos, sm.time_signatures, sm.key_signatures  # each access builds a wrapper
    # a few bytes an event: a 10 MB file could ask for a million Python objects
    count = len(tempos) + len(sigs) + len(keys)
    if count > MAX_NOTES:
        raise ScoreError(f"{count} tempo, meter and key events is more than the {MAX_NOTES} a score may hold")
    maps = dict(
        tempos=[Tempo(x.time, x.qpm) for x in tempos],
        time_signatures=[TimeSignature(x.time, x.numerator, x.denominator) for x in sigs],
        key_signatures=[_key(x.time, x.key, x.tonality) for x in keys],
    )
    if tpq != TPQ:
        for name, events in maps.items():
            ticks = _rescale(np.array([e.tick for e in events], dtype=np.int64), tpq).tolist()
            maps[name] = [dataclasses.replace(e, tick=t) for e, t in zip(events, ticks)]
    markers = sm.markers
    if len(markers):  # fermatas travel as marker meta events named FERMATA (MIDI has no fermata of its own)
        if len(markers) > MAX_NOTES:
            raise ScoreError(f"{len(markers)} markers is more than the {MAX_NOTES} a score may hold")
        ticks = np.array([m.time for m in markers if m.text == FERMATA], dtype=np.int64)
        maps["fermatas"] = (ticks if tpq == TPQ else _rescale(ticks, tpq)).tolist()
    return maps


def _key(tick: int, sharps: int, tonality: int) -> KeySignature:
    if not -7 <= sharps <= 7 or tonality not in (0, 1):
        raise ScoreError(f"key signature of {sharps} sharps and tonality {tonality} is invalid")
    major_tonic = (7 * sharps) % 12  # as key_from_sharps, without building a key to take it apart
    return KeySignature(tick, (major_tonic + 9) % 12, "minor") if tonality else KeySignature(tick, major_tonic, "major")


def to_symusic(score: Score):
    import symusic

    sm = symusic.Score(TPQ)
    for t in score.tracks:
        st = symusic.Track(name=t.name, program=int(t.program), is_drum=bool(t.is_drum))
        n = t.notes
        st.notes = symusic.Note.from_numpy(
            time=n["start"].astype(np.int32),
            duration=n["duration"].astype(np.int32),
            pitch=n["pitch"].astype(np.int8),
            velocity=np.clip(n["velocity"], 1, 127).astype(np.int8),
        )
        sm.tracks.append(st)
    for x in score.tempos:
        sm.tempos.append(symusic.Tempo(int(x.tick), qpm=float(x.qpm)))
    for x in score.time_signatures:
        sm.time_signatures.append(symusic.TimeSignature(int(x.tick), int(x.numerator), int(x.denominator)))
    for x in score.key_signatures:
        minor = int(x.mode == "minor")
        sm.key_signatures.append(symusic.KeySignature(int(x.tick), sharps_from_key(x), minor))
    for tick in score.fermatas:
        sm.markers.append(symusic.TextMeta(int(tick), FERMATA))
    return sm


def read_midi(path) -> Score:
    """Read a .mid file; a corrupt, empty or absurd file raises ScoreError."""
    import symusic

    path = os.fspath(path)  # os.path, not pathlib: a few microseconds a file, on a few tens
    with open(path, "rb", buffering=0) as f:  # unbuffered: one read of the whole file, a few us less
        size = os.fstat(f.fileno()).st_size
        if size > MAX_MIDI_BYTES:
            raise ScoreError(f"{path}: {size:,} bytes is more than a MIDI file of music holds "
                             f"(at most {MAX_MIDI_BYTES:,})")
        data = f.readall()
    if not data:
        raise ScoreError(f"{path}: empty file")
    try:
        sm = symusic.Score.from_midi(data)
    except Exception as e:  # symusic raises RuntimeError/ValueError with its own text
        raise ScoreError(f"{path}: not a readable MIDI file ({e})") from None
    if sm.note_num() == 0:
        raise ScoreError(f"{path}: the MIDI file holds no notes")
    try:
        return _score(sm, Metadata(title=os.path.splitext(os.path.basename(path))[0], source=path))
    except ScoreError as e:
        raise ScoreError(f"{path}: {e}") from None


def write_midi(score: Score, path) -> None:
    """Write a .mid file atomically (temporary name, then rename); an absurd score raises ScoreError."""
    path = Path(path)
    sm = to_symusic(score.validate())  # validate first: an out-of-range pitch would wrap in int8
    tmp = path.with_name(f".{path.name}.tmp")
    sm.dump_midi(str(tmp))
    os.replace(tmp, path)
