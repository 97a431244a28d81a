"""ABC through abc2midi, the converter of the abcMIDI package that symusic ships, with music21 as the fallback.

abc2midi is about ten times faster than music21's ABC parser and closer to the ABC standard: an accidental
holds to the bar line, a missing start repeat is inferred, a tie never joins two pitches, and a decorated note
is never dropped (music21 gets each of these wrong on some of the built-in folk tunes). It plays a tune as a
performer would: repeats, endings and the P: part order are expanded. What it adds for the performance alone is
switched off or undone here, so that a tune reads as notated:

- guitar chords ("Am") would become an accompaniment track, grace notes steal time from the next note,
  fermatas double a note, and !p!/!f! change velocities: switched off by flags;
- trills, rolls (~, T, R), staccato (.) and !breath! turn one note into several or halve it, chord notes are
  staggered, and R:hornpipe swings even quavers: the markings are removed from the text (`notated`);
- every note starts one tick late and ends on time: moved back one tick;
- the pickup bar starts at tick 0: the score is shifted so that bar lines fall on the meter's grid, as
  `from_music21` does. abc2midi marks the first note of each bar with velocity 105 (its default stress model),
  which tells where the first full bar starts. Velocities are then set to 80: they came from that model.

`symusic.Score.from_abc` runs the same program but with fixed flags, no time limit, and its messages going
to the terminal, so the program is run here directly and its MIDI read with symusic.
"""

from __future__ import annotations

import logging
import os
import re
import subprocess
import tempfile
from pathlib import Path

import numpy as np

from tunesmith.errors import ScoreError
from tunesmith.io import limits
from tunesmith.io.limits import read_capped
from tunesmith.io.midi import from_symusic
from tunesmith.score.model import KeySignature, Metadata, Score, Tempo, TimeSignature, Track

log = logging.getLogger(__name__)

FLAGS = ("-silent", "-NGRA", "-NGUI", "-NFER", "-NFNP")  # no grace notes, guitar chords, fermatas, dynamics
TIMEOUT_S = 30
DOWNBEAT_VELOCITY = 105  # abc2midi's velocity for the first note of a bar (%%MIDI beat 105 95 80 1)
VELOCITY = 80

_FIELD = re.compile(r"^[A-Za-z+]:")
# a quoted string, an inline field, a comment or a !decoration! are kept whole (unless the decoration is played);
# outside them, ~ T R . are decoration shortcuts (roll, trill, roll, staccato)
_TOKEN = re.compile(r'"[^"\n]*"|\[[A-Za-z]:[^\]\n]*\]|%.*|(?P<mark>[!+])(?P<name>[^!+\n]*)(?P=mark)|(?P<short>[~TR.])')
_PLAYED = {"trill", "breath", "arpeggio"}  # decorations abc2midi plays as several notes or a shorter one
_TEXT_FIELDS = "ABCDFGHNORSTWZw+"  # fields of free text (titles, notes, lyrics...), where any number may stand
_LONG_NUMBER = re.compile(r"\d{10,}")


def notated(text: str) -> str:
    """The ABC text without the markings that abc2midi would play as extra notes, shorter notes or swing."""
    out = []
    for line in text.splitlines():
        if line.startswith("R:"):  # the rhythm field: R:hornpipe swings even quavers
            continue
        if not _FIELD.match(line) and not line.startswith("%"):
            line = _TOKEN.sub(_kept, line)
        out.append(line)
        if line.startswith("X:"):  # chord notes sound together (a MIDI directive must follow X:)
            out.append("%%MIDI chordattack 0")
    return "\n".join(out) + "\n"


def _kept(m: re.Match) -> str:
    if m["short"] or (m["mark"] and m["name"].rstrip("()") in _PLAYED):
        return ""
    return m[0]


def _check_numbers(text: str) -> None:
    """ScoreError for a number of ten digits or more in the music or a musical field: abc2midi loops until its
    time limit on a note length of 2^64 inside a repeat (found by fuzzing), and no tune needs such a number."""
    for line in text.splitlines():
        if line.startswith("%") or (_FIELD.match(line) and line[0] in _TEXT_FIELDS):
            continue
        found = _LONG_NUMBER.search(re.sub(r'"[^"\n]*"', "", line.split("%")[0]))
        if found:
            raise ScoreError(f"a number of {len(found[0])} digits, absurd in ABC")


def _abc2midi(text: str) -> bytes:
    """MIDI bytes of the first tune in `text`; any problem of abc2midi's is a ScoreError."""
    import symusic  # noqa: F401  (importing it sets SYMUSIC_ABC2MIDI to the program it ships)

    _check_numbers(text)
    program = os.environ.get("SYMUSIC_ABC2MIDI", "")
    if not os.path.isfile(program):
        raise ScoreError("abc2midi is not installed (it comes with symusic)")
    with tempfile.TemporaryDirectory(prefix="tunesmith-abc-") as d:
        src, out = Path(d, "tune.abc"), Path(d, "tune.mid")
        src.write_text(notated(text), encoding="utf-8", errors="replace")
        try:
            run = subprocess.run([program, str(src), "-o", str(out), *FLAGS], capture_output=True,
                                 text=True, errors="replace", timeout=TIMEOUT_S)
        except subprocess.TimeoutExpired:
            raise ScoreError(f"abc2midi took more than {TIMEOUT_S} s") from None
        if run.returncode != 0 or not out.is_file():
            said = [line.strip() for line in (run.stdout + run.stderr).splitlines() if line.strip()]
            errors = [line for line in said if line.startswith("Error")] or said[-1:]
            raise ScoreError(f"abc2midi: {'; '.join(errors[:2])[:300] or f'exit status {run.returncode}'}")
        return out.read_bytes()


def _header_field(text: str, letter: str) -> str:
    """The first `letter:` field of the tune (after its X: line), e.g. the title for T."""
    start = re.search(r"^X:", text, re.M)
    found = re.search(rf"^{letter}:[ \t]*(.*?)\s*$", text[start.start() if start else 0:], re.M)
    return found.group(1) if found else ""


def from_abc(text: str) -> Score:
    """The first tune of an ABC text through abc2midi, as notated (see the module docstring); ScoreError if
    abc2midi cannot read it."""
    import symusic

    try:
        sm = symusic.Score.from_midi(_abc2midi(text))
    except RuntimeError as e:  # symusic's error for a broken MIDI file
        raise ScoreError(f"abc2midi wrote an unreadable MIDI file ({e})") from None
    score = from_symusic(sm)
    tracks, downbeat = [], None
    for t in score.tracks:
        if not len(t):
            continue
        n = t.notes.copy()
        late = n["start"] > 0
        n["start"][late] -= 1
        n["duration"][late] += 1
        later_bars = n["start"][(n["velocity"] == DOWNBEAT_VELOCITY) & (n["start"] > 0)]
        if len(later_bars):
            downbeat = int(later_bars.min()) if downbeat is None else min(downbeat, int(later_bars.min()))
        n["velocity"] = VELOCITY
        tracks.append(Track(n, program=t.program, is_drum=t.is_drum))
    if not tracks:
        raise ScoreError("abc2midi found no notes")
    bar = score.time_signatures[0].bar_ticks
    free_meter = _header_field(text, "M").lower() == "none"
    # the first full bar starts at `downbeat`; past one bar, the first downbeat is a rest or a tie: no pickup
    shift = bar - downbeat if downbeat is not None and downbeat < bar and not free_meter else 0
    if shift:
        tracks = [t.replace(notes=_later(t.notes, shift)) for t in tracks]

    def moved(tick: int) -> int:
        return tick + shift if tick else 0

    return Score(
        tracks=tuple(tracks),
        tempos=tuple(Tempo(moved(x.tick), round(x.qpm, 2)) for x in score.tempos),
        time_signatures=tuple(TimeSignature(moved(x.tick), x.numerator, x.denominator)
                              for x in score.time_signatures),
        key_signatures=tuple(KeySignature(moved(x.tick), x.tonic, x.mode) for x in score.key_signatures),
        metadata=Metadata(title=_header_field(text, "T"), composer=_header_field(text, "C")),
    ).validate()


def _later(notes: np.ndarray, ticks: int) -> np.ndarray:
    notes = notes.copy()
    notes["start"] += ticks
    return notes


def parse_abc(text: str) -> tuple[Score, str]:
    """The first tune of an ABC text, and why music21 read it ("" when abc2midi could). ScoreError if neither
    can read it, with both reasons."""
    try:
        return from_abc(text), ""
    except ScoreError as e:
        why = str(e)
    from tunesmith.io.music21 import from_abc_music21

    try:
        return from_abc_music21(text), why
    except ScoreError as e:
        raise ScoreError(f"{why}; music21: {e}") from None


def read_abc(path) -> Score:
    """Read an ABC file; with several tunes in it, the first one. Repeats are expanded."""
    path = Path(path)
    data = read_capped(path, limits.MAX_TEXT_BYTES) if path.is_file() else b""
    if not data.strip():
        raise ScoreError(f"{path}: empty file")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("latin-1")  # older ABC files; any byte string decodes
    try:
        score, why = parse_abc(text)
    except ScoreError as e:
        raise ScoreError(f"{path}: not a readable abc file ({e})") from None
    if why:
        log.warning("%s: read with music21, as abc2midi could not (%s)", path, why)
    md = score.metadata
    return score.replace(metadata=Metadata(**{**vars(md), "title": md.title or path.stem, "source": str(path)}))
