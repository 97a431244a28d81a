"""MusicXML (and ABC that abc2midi cannot read) through music21, at the edges only: it is two orders of magnitude
slower than symusic, so corpora are parsed once and cached as arrays (see tunesmith.data)."""

from __future__ import annotations

import contextlib
import math
import os
import re
from fractions import Fraction
from pathlib import Path

import numpy as np

from tunesmith.errors import ScoreError
from tunesmith.io import limits
from tunesmith.io.limits import check_meter, one_line, read_capped, run_limited
from tunesmith.score.model import (
    MAX_TICK,
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
    ticks = float(Fraction(ql)) * TPQ
    if not math.isfinite(ticks) or abs(ticks) > MAX_TICK:
        raise ScoreError(f"an offset or a duration of {float(Fraction(ql)):g} quarter notes is absurd")
    return int(round(ticks))


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

    tracks, flats, fermatas = [], [part.flatten() for part in parts], set()
    for part, flat in zip(parts, flats):
        inst = part.getInstrument(returnDefault=False)
        program = inst.midiProgram if inst is not None and inst.midiProgram is not None else 0
        # a Score holding no Part (music21 makes one of some odd files) has no partName
        name = getattr(part, "partName", None) or (inst.partName if inst is not None and inst.partName else "") or ""
        tracks.append(Track(_untied(flat.notes, shift, fermatas), program=int(program), name=str(name)))

    flat = flats[0]
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
        fermatas=tuple(fermatas),
    ).validate()


def _untied(notes, shift: int, fermatas: set | None = None) -> np.ndarray:
    """Note rows with each chain of tied notes of one pitch merged into one note, and grace notes dropped.
    The start of each note under a fermata (of its whole tie chain) is added to `fermatas`.
    Not music21's stripTies: it deep-copies the stream and re-sorts it for each note it removes (three quarters
    of the time of reading a Palestrina mass section), joins a "tie" between two pitches into one note, and
    leaves some tie chains unmerged in a part of two voices."""
    rows: list[list[int]] = []
    open_ties: dict[int, int] = {}  # MIDI pitch -> row of the note whose tie goes on
    for n in notes:
        dur = _ticks(n.quarterLength)
        if dur <= 0:  # grace note
            continue
        start = _ticks(n.offset) + shift
        vel = int(n.volume.velocity) if n.volume.velocity else 80
        for p in n.pitches:
            tie = n.getTie(p) if n.isChord else n.tie
            kind = tie.type if tie is not None else None
            if p.midi in open_ties and kind in ("stop", "continue"):
                row = open_ties.pop(p.midi)
                rows[row][1] += dur
            else:
                rows.append([start, dur, p.midi, vel])
                row = len(rows) - 1
            if kind in ("start", "continue"):
                open_ties[p.midi] = row
            if fermatas is not None and any(type(e).__name__ == "Fermata" for e in n.expressions):
                fermatas.add(rows[row][0])
    return np.array([tuple(r) for r in rows], dtype=NOTE_DTYPE)


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


def _music21():
    """Import what the workers use here, once: a forked worker then inherits it instead of importing anew."""
    import music21.abcFormat.translate
    import music21.musicxml.xmlToM21  # noqa: F401


def read_musicxml(path) -> Score:
    """Read MusicXML (.musicxml, .xml, or compressed .mxl) within the bounds of `tunesmith.io.limits`, in a worker
    process with a time and a memory limit; a bad, hostile or absurd file raises ScoreError."""
    path = Path(path)
    data = read_capped(path, limits.MAX_TEXT_BYTES)  # here: an error reading the file is the caller's OSError
    _music21()
    return _checked(run_limited(_musicxml_score, data, path), path)


def _musicxml_score(data: bytes, path: Path) -> Score:
    """The worker's side of `read_musicxml`."""
    from music21.musicxml import xmlToM21

    from tunesmith.io.musicxml import musicxml_root

    root = musicxml_root(data, path)
    try:
        importer = xmlToM21.MusicXMLImporter()
        importer.xmlRootToScore(root, importer.stream)
        return from_music21(importer.stream, None)
    except ScoreError as e:
        raise ScoreError(f"{path}: {e}") from None
    except Exception as e:  # music21 raises many unrelated types on bad input
        raise ScoreError(f"{path}: not a readable musicxml file ({one_line(e)})") from None


def from_abc_music21(text: str) -> Score:
    """The first tune of an ABC text through music21, with its repeats expanded as abc2midi plays them: the
    fallback of `tunesmith.io.abc` for a tune that abc2midi cannot read. ScoreError if music21 cannot either.

    The text is only ever music: music21's ABC tokenizer is called on it directly, never `converter.parse`,
    which would take a text naming a file for that file (and its pickle in music21's scratch folder for a
    parse of it) and one starting with http:// for a URL to download. Runs in a worker process with a time and
    a memory limit, after the bounds checks of `check_abc_tokens` and `check_abc_lengths`."""
    if len(text) > limits.MAX_TEXT_BYTES:
        raise ScoreError(f"longer than {limits.MAX_TEXT_BYTES >> 20} MiB")
    _music21()
    return run_limited(_abc_score, first_tune(text))


def first_tune(text: str) -> str:
    """The file header and the first tune: the text up to its second X: line (abc2midi reads the first tune)."""
    starts = [m.start() for m in re.finditer(r"^X:", text, re.M)]
    return text[:starts[1]] if len(starts) > 1 else text


def _abc_score(text: str) -> Score:
    """The worker's side of `from_abc_music21`."""
    from music21 import abcFormat
    from music21.abcFormat import translate

    try:
        handler = abcFormat.ABCHandler()
        handler.parseHeaderForVersionInformation(text[:100])
        handler.tokenize(text)
        check_abc_tokens(handler.tokens)
        handler.tokenProcess()
        check_abc_lengths(handler.tokens)
        with _unbeamed():
            s = translate.abcToStreamScore(handler)
        for part in s.parts:
            if _expanded_bars(part) > limits.MAX_ABC_BARS:
                raise ScoreError(f"its repeats would play more than {limits.MAX_ABC_BARS} bars")
        try:
            s = s.expandRepeats()
        except Exception:  # music21 builds no measures for some tunes, and then cannot expand: the tune as written
            pass
        score = from_music21(s, None)
    except ScoreError:
        raise
    except Exception as e:  # music21 raises many unrelated types on bad input
        raise ScoreError(one_line(e)) from None
    if score.note_count == 0:
        raise ScoreError("holds no notes")
    return score


def check_abc_tokens(tokens) -> None:
    """ScoreError, before music21 processes the tokens, for what would take it too long: a meter past MAX_BEATS
    (each meter becomes a TimeSignature, whose cost grows faster than the square of its numerator), slurs
    nested past MAX_NESTING (each note gets a copy of the open ones), more than MAX_ABC_BARS bars in a voice or
    MAX_ABC_NOTES notes (music21 re-bars a part in time quadratic in its bars)."""
    from music21 import abcFormat

    voice, bars, notes, depth = "", {}, 0, 0
    for t in tokens:
        if isinstance(t, abcFormat.ABCMetadata):
            t.preParse()
            meter = t.getTimeSignatureParameters() if t.isMeter() else None
            if meter is not None:
                check_meter(meter[0], meter[1])
            if t.tag == "V":
                voice = (t.data.split() or [""])[0]
        elif isinstance(t, abcFormat.ABCBar):
            bars[voice] = bars.get(voice, 0) + 1
            if bars[voice] > limits.MAX_ABC_BARS:
                raise ScoreError(f"more than {limits.MAX_ABC_BARS} bars in a voice, more than music21 reads")
        elif isinstance(t, abcFormat.ABCNote):
            notes += 1
            if notes > limits.MAX_ABC_NOTES:
                raise ScoreError(f"more than {limits.MAX_ABC_NOTES} notes, more than music21 reads")
        elif isinstance(t, (abcFormat.ABCSlurStart, abcFormat.ABCCrescStart, abcFormat.ABCDimStart)):
            depth += 1
            if depth > limits.MAX_NESTING:
                raise ScoreError(f"more than {limits.MAX_NESTING} slurs open at once")
        elif isinstance(t, abcFormat.ABCParenStop):
            depth = max(depth - 1, 0)


def check_abc_lengths(tokens) -> None:
    """ScoreError, once music21 has given each note its length, for a note or a bar longer than MAX_BAR_QUARTERS:
    music21 makes a meter of an overfull bar, and ties a long note across bars one by one."""
    from music21 import abcFormat

    voice, filled = "", {}
    for t in tokens:
        if isinstance(t, abcFormat.ABCMetadata) and t.tag == "V":
            voice = (t.data.split() or [""])[0]
        elif isinstance(t, abcFormat.ABCBar):
            filled[voice] = 0.0
        elif isinstance(t, abcFormat.ABCNote):
            ql = float(t.quarterLength)
            if not 0 <= ql <= limits.MAX_BAR_QUARTERS:
                raise ScoreError(f"a note {ql:g} quarter notes long")
            filled[voice] = filled.get(voice, 0.0) + (0.0 if t.inGrace else ql)
            if filled[voice] > limits.MAX_BAR_QUARTERS:
                raise ScoreError(f"a bar longer than {limits.MAX_BAR_QUARTERS} quarter notes")


def _expanded_bars(part) -> int:
    """At most how many bars `part` plays with its repeats expanded. music21 takes an end repeat without a start
    back to the last start or the beginning, so that each such repeat can double the tune: ten of them in a
    257-byte file made 36 s of copying. Endings are not subtracted: a bound, not a count."""
    from music21 import bar, stream

    played = start = 0
    for m in part.getElementsByClass(stream.Measure):
        if isinstance(m.leftBarline, bar.Repeat) and m.leftBarline.direction == "start":
            start = played
        played += 1
        if isinstance(m.rightBarline, bar.Repeat) and m.rightBarline.direction == "end":
            played += (played - start) * max((m.rightBarline.times or 2) - 1, 0)
            if played > 1 << 40:  # no need to count further
                break
    return played


@contextlib.contextmanager
def _unbeamed():
    """music21 beams each ABC part it builds, in time quadratic in its bars: 80% of the time of a long tune, for
    notation that tunesmith throws away. Switched off in the worker only, which exits after one tune (with no
    fork, the worker is this process: then music21 is left as it is)."""
    from music21 import stream

    if not hasattr(os, "fork"):
        yield
        return
    saved = stream.Stream.makeBeams
    stream.Stream.makeBeams = lambda self, *args, **kwargs: None if kwargs.get("inPlace") else self
    try:
        yield
    finally:
        stream.Stream.makeBeams = saved


def _checked(score: Score, path: Path) -> Score:
    if score.note_count == 0:
        raise ScoreError(f"{path}: holds no notes")
    if not score.metadata.title:
        score = score.replace(metadata=Metadata(**{**vars(score.metadata), "title": path.stem}))
    return score.replace(metadata=Metadata(**{**vars(score.metadata), "source": str(path)}))


def to_music21(score: Score):
    """A music21 Score written as a musician writes it (`tunesmith.io.notation`): parts of measures with voices,
    key signatures, clefs, spelled pitches, values and ties by the meter, pickup, fermatas, tempo and title."""
    from tunesmith.io.notation import to_notation

    return to_notation(score)


def musicxml_bytes(score: Score) -> bytes:
    """The score as a MusicXML document (see `to_music21`); music21 writes the stream as built, without
    re-notating it."""
    from music21 import defaults
    from music21.musicxml.m21ToXml import GeneralObjectExporter

    stream = to_music21(score)
    exporter = GeneralObjectExporter(stream)
    exporter.makeNotation = False
    data = exporter.parse()
    # music21 fills a missing title and composer with its own name ("Music21 Fragment", "Music21"), which an
    # engraver prints as if they were the piece's
    if not stream.metadata.title:
        data = data.replace(f"<movement-title>{defaults.title}</movement-title>".encode(), b"")
    if not stream.metadata.composer:
        data = data.replace(f'<creator type="composer">{defaults.author}</creator>'.encode(), b"")
    return data


def write_musicxml(score: Score, path) -> None:
    """Write MusicXML for notation, atomically."""
    path = Path(path)
    data = musicxml_bytes(score.validate())
    tmp = path.with_name(f".{path.name}.tmp{path.suffix}")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
