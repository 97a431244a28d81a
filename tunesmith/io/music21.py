"""MusicXML and ABC through music21, at the edges only: it is two orders of magnitude slower than symusic,
so corpora are parsed once and cached as arrays (see tunesmith.data)."""

from __future__ import annotations

import os
from fractions import Fraction
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


def _ticks(ql) -> int:
    return int(round(float(Fraction(ql)) * TPQ))


def from_music21(stream, metadata: Metadata | None = None) -> Score:
    """Convert a music21 Score (or Part) to a Score. Ties are merged; grace notes and rests are dropped.
    A pickup bar is padded at the front so that bar lines fall on the time-signature grid from tick 0."""
    from music21 import key as m21key
    from music21 import meter, tempo
    from music21 import stream as m21stream

    parts = list(stream.parts) if isinstance(stream, m21stream.Score) and stream.parts else [stream]
    measures = parts[0].getElementsByClass(m21stream.Measure)
    first = measures.first() if measures else None
    shift = _ticks(first.paddingLeft) if first is not None and first.paddingLeft else 0

    tracks = []
    for part in parts:
        flat = part.stripTies().flatten()
        rows = []
        for n in flat.notes:
            dur = _ticks(n.quarterLength)
            if dur <= 0:  # grace note
                continue
            start = _ticks(n.offset) + shift
            vel = int(n.volume.velocity) if n.volume.velocity else 80
            rows.extend((start, dur, p.midi, vel) for p in n.pitches)
        notes = np.array(rows, dtype=NOTE_DTYPE)
        inst = part.getInstrument(returnDefault=False)
        program = inst.midiProgram if inst is not None and inst.midiProgram is not None else 0
        name = part.partName or (inst.partName if inst is not None and inst.partName else "") or ""
        tracks.append(Track(notes, program=int(program), name=str(name)))

    flat = parts[0].flatten()
    sigs = [
        TimeSignature(_ticks(ts.offset) + shift if ts.offset else 0, ts.numerator, ts.denominator)
        for ts in flat.getElementsByClass(meter.TimeSignature)
    ]
    keys = []
    for k in flat.getElementsByClass(m21key.KeySignature):
        kk = k if isinstance(k, m21key.Key) else k.asKey("major")
        mode = "minor" if kk.mode == "minor" else "major"
        keys.append(KeySignature(_ticks(k.offset) + shift if k.offset else 0, kk.tonic.pitchClass, mode))
    tempos = [
        Tempo(_ticks(m.offset) + shift if m.offset else 0, float(m.getQuarterBPM()))
        for m in stream.flatten().getElementsByClass(tempo.MetronomeMark)
        if m.getQuarterBPM()
    ]
    md = metadata
    if md is None:
        m = stream.metadata
        md = Metadata(
            # music21 fills movementName with the file name when a file has no title: that is no title
            title=(m.title or ("" if _is_file_name(m.movementName) else m.movementName) or "") if m else "",
            composer=(m.composer or "") if m else "",
        )
    return Score(
        tracks=tuple(tracks),
        tempos=tuple(_dedupe(tempos)),
        time_signatures=tuple(_dedupe(sigs)),
        key_signatures=tuple(_dedupe(keys)),
        metadata=md,
    ).validate()


def _is_file_name(name) -> bool:
    return not name or str(name).lower().endswith((".mxl", ".xml", ".musicxml", ".krn", ".abc", ".mid"))


def _dedupe(events):
    """Keep one event per tick (the last), and drop repeats of the same value."""
    by_tick = {e.tick: e for e in events}
    out = []
    for e in sorted(by_tick.values(), key=lambda e: e.tick):
        if not out or {**vars(out[-1]), "tick": 0} != {**vars(e), "tick": 0}:
            out.append(e)
    return out


def _parse(path: Path, fmt: str):
    from music21 import converter

    if path.stat().st_size == 0:
        raise ScoreError(f"{path}: empty file")
    try:
        return converter.parse(str(path), format=fmt, forceSource=True)
    except Exception as e:  # music21 raises many unrelated types on bad input
        raise ScoreError(f"{path}: not a readable {fmt} file ({type(e).__name__}: {e})") from None


def read_musicxml(path) -> Score:
    path = Path(path)
    return _checked(from_music21(_parse(path, "musicxml"), None), path)


def read_abc(path) -> Score:
    """Read an ABC file; with several tunes in it (an opus), the first one."""
    path = Path(path)
    s = _parse(path, "abc")
    if hasattr(s, "scores") and len(s.scores):
        s = s.scores[0]
    return _checked(from_music21(s, None), path)


def _checked(score: Score, path: Path) -> Score:
    if score.note_count == 0:
        raise ScoreError(f"{path}: holds no notes")
    if not score.metadata.title:
        score = score.replace(metadata=Metadata(**{**vars(score.metadata), "title": path.stem}))
    return score.replace(metadata=Metadata(**{**vars(score.metadata), "source": str(path)}))


def to_music21(score: Score):
    """A music21 Score for notation: one part per track, quantized to 1/12 of a quarter for notation."""
    from music21 import converter, metadata

    from tunesmith.io.midi import to_symusic

    # symusic writes a correct MIDI file; music21 reads it into a part per track with measures and ties.
    # Going through MIDI bytes keeps one conversion path instead of hand-building music21 objects.
    # Track names are left out of the MIDI bytes: music21 would take a name such as "Bass" for an
    # instrument (a voice, program 53) over the track's program. They are set on the parts instead.
    anonymous = score.replace(tracks=tuple(t.replace(name="") for t in score.tracks))
    data = to_symusic(anonymous).dumps_midi()
    s = converter.parseData(data, format="midi", quantizePost=True)
    sounding = [t for t in score.tracks if len(t)]
    if len(s.parts) == len(sounding):  # music21 makes a part of every track with notes, in order
        for part, t in zip(s.parts, sounding, strict=True):
            if t.name:
                part.partName = t.name
    if score.metadata.title or score.metadata.composer:
        s.metadata = s.metadata or metadata.Metadata()
        s.metadata.title = score.metadata.title or None
        s.metadata.composer = score.metadata.composer or None
    return s


def write_musicxml(score: Score, path) -> None:
    """Write MusicXML for notation, atomically."""
    path = Path(path)
    stream = to_music21(score.validate())
    tmp = path.with_name(f".{path.name}.tmp{path.suffix}")
    stream.write("musicxml", fp=str(tmp))
    os.replace(tmp, path)
