"""MIDI read and write through symusic (a C++ parser: fast, and strict about corrupt files)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from tunesmith.errors import ScoreError
from tunesmith.score.model import (
    NOTE_DTYPE,
    TPQ,
    KeySignature,
    Metadata,
    Score,
    Tempo,
    TimeSignature,
    Track,
)


def key_from_sharps(sharps: int, minor: bool) -> KeySignature:
    major_tonic = (7 * sharps) % 12
    return KeySignature(0, (major_tonic + 9) % 12 if minor else major_tonic, "minor" if minor else "major")


def sharps_from_key(key: KeySignature) -> int:
    major_tonic = (key.tonic + 3) % 12 if key.mode == "minor" else key.tonic
    s = (7 * major_tonic) % 12
    return s - 12 if s > 6 else s


def from_symusic(sm, source: str = "") -> Score:
    """Convert a symusic Score (any resolution) to a tunesmith Score at TPQ."""
    if sm.ticks_per_quarter <= 0:
        raise ScoreError(f"resolution {sm.ticks_per_quarter} ticks per quarter is invalid")
    if sm.ticks_per_quarter != TPQ:
        # drop zero-length notes before resampling: min_dur=1 (which keeps very short real notes from
        # rounding to nothing) would otherwise turn them into one-tick notes
        import symusic

        sm = sm.copy()
        for t in sm.tracks:
            a = t.notes.numpy()
            if (a["duration"] <= 0).any():
                keep = a["duration"] > 0
                t.notes = symusic.Note.from_numpy(**{k: v[keep] for k, v in a.items()})
        sm = sm.resample(TPQ, min_dur=1)
    tracks = []
    for t in sm.tracks:
        a = t.notes.numpy()
        notes = np.empty(len(a["time"]), dtype=NOTE_DTYPE)
        notes["start"], notes["duration"] = a["time"], a["duration"]
        notes["pitch"], notes["velocity"] = a["pitch"], a["velocity"]
        notes = notes[notes["duration"] > 0]  # zero-length notes carry no music
        tracks.append(Track(notes, program=int(t.program), name=str(t.name), is_drum=bool(t.is_drum)))
    score = Score(
        tracks=tuple(tracks),
        tempos=tuple(Tempo(int(x.time), float(x.qpm)) for x in sm.tempos),
        time_signatures=tuple(
            TimeSignature(int(x.time), int(x.numerator), int(x.denominator)) for x in sm.time_signatures
        ),
        key_signatures=tuple(
            KeySignature(int(x.time), *_tonic_mode(int(x.key), bool(x.tonality))) for x in sm.key_signatures
        ),
        metadata=Metadata(title=Path(source).stem if source else "", source=source),
    )
    return score.validate()


def _tonic_mode(sharps: int, minor: bool) -> tuple[int, str]:
    k = key_from_sharps(sharps, minor)
    return k.tonic, k.mode


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
    return sm


def read_midi(path) -> Score:
    """Read a .mid file; a corrupt, empty or absurd file raises ScoreError."""
    import symusic

    path = Path(path)
    data = path.read_bytes()
    if not data:
        raise ScoreError(f"{path}: empty file")
    try:
        sm = symusic.Score.from_midi(data)
    except Exception as e:  # symusic raises RuntimeError/ValueError with its own text
        raise ScoreError(f"{path}: not a readable MIDI file ({e})") from None
    if sm.note_num() == 0:
        raise ScoreError(f"{path}: the MIDI file holds no notes")
    try:
        return from_symusic(sm, source=str(path))
    except ScoreError as e:
        raise ScoreError(f"{path}: {e}") from None


def write_midi(score: Score, path) -> None:
    """Write a .mid file atomically (temporary name, then rename); an absurd score raises ScoreError."""
    path = Path(path)
    sm = to_symusic(score.validate())  # validate first: an out-of-range pitch would wrap in int8
    tmp = path.with_name(f".{path.name}.tmp")
    sm.dump_midi(str(tmp))
    os.replace(tmp, path)
