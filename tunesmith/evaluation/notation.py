"""What a written score shows: key signatures, pitch spelling, fermatas, read from a MusicXML document.

The score model holds sounding notes, not how they are written, so these measures read the MusicXML element
tree (`tunesmith.io.musicxml.musicxml_root` reads a file within bounds) of what `tunesmith compose` writes, or
of a corpus's own files. Positions are ticks of the score model (`TPQ` per quarter) from the start of the
first bar; a pickup measure shorter than its meter's bar is padded at the front, as the readers do, so that
the ticks match those of the score read from the same file.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import NamedTuple

import numpy as np

from tunesmith.score.model import TPQ

STEPS = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}
SHARP_ORDER = "FCGDAEB"  # the order sharps enter a signature; flats enter in the reverse order


class WrittenNote(NamedTuple):
    part: int
    tick: int  # onset, in TPQ ticks from the start of the (padded) first bar
    step: str  # "A".."G", or "" for a rest or an unpitched note
    alter: int  # written accidental in semitones, -2..2
    fifths: int | None  # the key signature in force (sharps > 0, flats < 0), None before any in the part
    fermata: bool


def signature_alter(step: str, fifths: int) -> int:
    """The accidental a key signature of `fifths` (sharps > 0, flats < 0) gives a note name: +1, -1 or 0."""
    if fifths > 0:
        return int(SHARP_ORDER.index(step) < fifths)
    if fifths < 0:
        return -int(SHARP_ORDER[::-1].index(step) < -fifths)
    return 0


def _quarters(el: ET.Element | None, divisions: float) -> float:
    try:
        return float(el.text) / divisions if el is not None and el.text else 0.0
    except ValueError:
        return 0.0


def written_notes(root: ET.Element) -> Iterator[WrittenNote]:
    """Every <note> of every part of a <score-partwise>, with its onset, spelling, key and fermata.

    Measures follow one another by their length (the furthest position a note, <forward> or <backup>
    reaches), so split measures ("4" and "4a") and pickups keep their real lengths; a first measure shorter
    than its meter's bar is padded at the front (see the module doc).
    """
    for p, part in enumerate(root.findall("part")):
        divisions, fifths, bar, at, shift = 1.0, None, 4.0, 0.0, None
        for measure in part.findall("measure"):
            pos = length = 0.0
            last_onset = 0.0
            rows = []
            for el in measure:
                if el.tag == "attributes":
                    d = el.find("divisions")
                    divisions = _quarters(d, 1.0) or divisions
                    f = el.find("key/fifths")
                    if f is not None and f.text and f.text.strip().lstrip("-").isdigit():
                        fifths = int(f.text)
                    beats, beat_type = el.find("time/beats"), el.find("time/beat-type")
                    if beats is not None and beat_type is not None:
                        try:
                            bar = sum(float(b) for b in (beats.text or "").split("+")) * 4 / float(beat_type.text)
                        except (TypeError, ValueError, ZeroDivisionError):
                            pass
                elif el.tag == "backup":
                    pos -= _quarters(el.find("duration"), divisions)
                elif el.tag == "forward":
                    pos += _quarters(el.find("duration"), divisions)
                elif el.tag == "note":
                    if el.find("grace") is not None:
                        continue
                    onset = last_onset if el.find("chord") is not None else pos
                    pitch = el.find("pitch")
                    step = pitch.findtext("step", "").strip() if pitch is not None else ""
                    alter = pitch.findtext("alter", "0").strip() if pitch is not None else "0"
                    rows.append((onset, step, int(round(float(alter or 0))), fifths,
                                 el.find("notations/fermata") is not None))
                    if el.find("chord") is None:
                        last_onset = pos
                        pos += _quarters(el.find("duration"), divisions)
                length = max(length, pos)
            if shift is None:  # the first measure: a pickup is padded to a full bar
                shift = max(bar - length, 0.0) if length > 0 else 0.0
            for onset, step, alt, key, fermata in rows:
                yield WrittenNote(p, round((at + shift + onset) * TPQ), step, alt, key, fermata)
            at += length


def fermata_ticks(root: ET.Element, part: int | None = None) -> np.ndarray:
    """Onset ticks of the notes carrying a fermata, each tick once (ascending): in one part (0: the first,
    a chorale's soprano), or in any. An inner voice may hold its fermata on the resolution of a suspension,
    an eighth after the soprano's: the soprano's ticks are the phrase ends."""
    ticks = [n.tick for n in written_notes(root) if n.fermata and (part is None or n.part == part)]
    return np.unique(np.array(ticks, dtype=np.int64))


def parts_without_key(root: ET.Element) -> float:
    """Share of parts whose first measure writes no key signature (<key>): 0.0 when every part has one.
    NaN for a document without parts."""
    parts = root.findall("part")
    if not parts:
        return math.nan
    missing = [m is None or m.find("attributes/key") is None for m in (p.find("measure") for p in parts)]
    return float(np.mean(missing))


def spelled_against_key(root: ET.Element, fallback_fifths: int | None = None) -> float:
    """Share of pitched notes spelled against the key signature:

        rate = #{notes whose pitch class is in the signature's scale, written otherwise} / #pitched notes

    A note is spelled against the key when the signature holds an enharmonic spelling of it and the note
    is not written so: E-flat in E major (the signature's D-sharp), B-sharp in C major. Chromatic notes
    (G-sharp in A minor, either way) are not counted. The key is the part's signature; in a part that writes
    none, `fallback_fifths` (the key the music is in, e.g. the score's notated key), else C major. NaN with
    no pitched note.
    """
    against = total = 0
    for n in written_notes(root):
        if not n.step:
            continue
        fifths = n.fifths if n.fifths is not None else (fallback_fifths or 0)
        total += 1
        pc = (STEPS[n.step] + n.alter) % 12
        in_signature = {(STEPS[s] + signature_alter(s, fifths)) % 12 for s in STEPS}
        against += pc in in_signature and n.alter != signature_alter(n.step, fifths)
    return against / total if total else math.nan


def written_modes(root: ET.Element) -> list[str]:
    """The <mode> of every key signature written (lower case: "major", "minor", "dorian", ...)."""
    return [m.text.strip().lower() for m in root.iter("mode") if m.text and m.text.strip()]
