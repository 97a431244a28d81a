"""The score model written as a musician writes it: a music21 Score built directly from a `Score`, for MusicXML.

Everything is decided here from the score model and music theory, and handed to music21 as a well-formed
stream (parts of measures, voices, Key objects, clefs, notes with their spelling, values and ties), which
music21 then writes as MusicXML without re-notating it (`makeNotation=False`): music21 is the project's MusicXML
library (it reads the corpora, so what it writes it reads back the same way), and it writes a given stream
well; what it does badly is decide the notation itself (its MIDI reader, used before, loses key, voices and
spelling). Writing the XML by hand would be faster but would duplicate what music21 knows of MusicXML.

- **Bars**: from the time-signature map, from the bar holding the first note. Silence at the start of that bar
  is a pickup (the readers pad a pickup so that bar lines fall on the meter's grid): it is written as an
  anacrusis, a short measure numbered 0 (`implicit="yes"`), and a last bar that completes it is written
  short too. Bars of silence before the music are not written.
- **Parts**: one per track with notes (drum tracks are left out: no percussion notation yet). Soprano, alto,
  tenor and bass (by track name) are named so, S. A. T. B. on later systems, in treble, treble, bass and bass
  clef (the tenor as in 358 of the 367 chorales of music21's corpus; the 9 in treble-8vb are no higher).
  Other parts are named by the track, else by their General MIDI instrument (numbered where several share
  one), in the clef with fewer ledger lines for their notes (a guitar in treble-8vb), at sounding pitch.
- **Voices**: notes of a track starting and ending together are a chord; notes that overlap otherwise go to a
  second voice (and a third ...), whose gaps are filled with hidden rests.
- **Values**: each note and rest is split at the bar line and then by `tunesmith.theory.rhythm.split_values`
  (the meter's beats), with ties; beams by the beat (music21's `makeBeams`, whose groups are the beats:
  6/8 in dotted quarters).
- **Pitch**: spelled by `tunesmith.theory.spelling.spell` (key and harmony); an accidental is shown where the
  key signature and the accidentals earlier in the bar on that staff line do not already give it, never on a
  tied note, and as a courtesy where the bar before altered the line.
- **Signs**: the key signature (the notated key map, else the estimated key) in every part, restated where
  the signature changes (a move to the relative key keeps it); the tempo as a metronome mark over the top
  part, with the beat's note (a dotted quarter in 6/8); fermatas from
  `Score.fermatas` over the note (or rest) each part starts there; the title and composer, or for a piece
  without a title "Chorale in G major" (four voices) or "Tune in D minor" (one).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from tunesmith.io.notation_m21 import build
from tunesmith.score.model import TPQ, KeySignature, Score, TimeSignature
from tunesmith.score.transforms import quantize
from tunesmith.theory.meter import beat_ticks
from tunesmith.theory.spelling import keys_for, spell, tonic_tpc, tpc_name

log = logging.getLogger(__name__)

SATB = {"soprano": ("Soprano", "S.", "treble"), "alto": ("Alto", "A.", "treble"),
        "tenor": ("Tenor", "T.", "bass"), "bass": ("Bass", "B.", "bass")}
GUITARS = range(24, 32)  # General MIDI guitars: written an octave above sounding, in treble-8vb
# staff positions (diatonic steps from C0) of the bottom and top lines of each clef's staff
STAFF_LINES = {"treble": (30, 38), "bass": (18, 26)}  # E4..F5, G2..A3
DIATONIC = (0, 0, 1, 1, 2, 3, 3, 4, 4, 5, 5, 6)  # pitch class -> letter index, sharps spelled


def readable(score: Score) -> Score:
    """The score snapped to sixteenths for notation, unless every note already starts and ends on a
    1/24-quarter grid (32nd notes and triplets of 16ths: written music), which is left as it is.

    Played or generated music with timing off the grid would otherwise be written with 64th rests and
    odd tuplets."""
    grid = TPQ // 24
    on_grid = all(
        not ((t.notes["start"] % grid).any() or (t.notes["duration"] % grid).any()) for t in score.tracks
    )
    return score if on_grid else quantize(score, 4)


@dataclass(frozen=True)
class Bar:
    """One written measure: [start, end) in ticks; `origin` is where the full bar of `meter` starts (before
    `start` in a pickup), so that metrical positions are counted from it."""

    number: int
    start: int
    end: int
    origin: int
    meter: TimeSignature


def bars(score: Score) -> list[Bar]:
    """The measures to write (see the module doc): from the bar holding the first note to the end."""
    notes = score.all_notes()
    first, end = (int(notes["start"].min()), score.end) if len(notes) else (0, 0)
    starts = [int(t) for t in score.bar_starts(max(end, 1))]
    sigs = sorted(score.time_signatures, key=lambda s: s.tick)
    out: list[Bar] = []
    for i, origin in enumerate(starts):
        meter = next((s for s in reversed(sigs) if s.tick <= origin), TimeSignature(0, 4, 4))
        stop = min(origin + meter.bar_ticks, starts[i + 1]) if i + 1 < len(starts) else origin + meter.bar_ticks
        if stop <= first:
            continue  # silence before the music: not written
        out.append(Bar(0, max(origin, first), stop, origin, meter))
    first_number = 0 if out and out[0].start > out[0].origin else 1  # a pickup is bar 0
    out = [Bar(i + first_number, b.start, b.end, b.origin, b.meter) for i, b in enumerate(out)]
    if len(out) > 1 and out[0].start > out[0].origin:  # a pickup: a last bar that completes it ends short
        last, pickup = out[-1], out[0].end - out[0].start
        if end < last.end and (end - last.origin) + pickup == last.meter.bar_ticks:
            out[-1] = Bar(last.number, last.start, end, last.origin, last.meter)
    return out


@dataclass(frozen=True)
class PartPlan:
    """What a track is written as: its index in `score.tracks`, names, clef ("treble", "bass", "treble8vb")."""

    track: int
    name: str
    abbreviation: str
    clef: str
    program: int


def part_plans(score: Score) -> list[PartPlan]:
    """One plan per track with notes, drums left out (see the module doc)."""
    from music21 import instrument

    plans = []
    for i, track in enumerate(score.tracks):
        if track.is_drum or not len(track):
            if track.is_drum and len(track):
                log.warning("drum track %r is not written as notation", track.name or i)
            continue
        role = SATB.get(track.name.strip().lower().rstrip(".0123456789 "))
        if role:
            plans.append(PartPlan(i, role[0], role[1], role[2], track.program))
            continue
        gm = instrument.instrumentFromMidiProgram(track.program)
        name = track.name.strip() or gm.instrumentName or "Part"
        name = name[0].upper() + name[1:] if name.islower() else name
        abbreviation = (gm.instrumentAbbreviation if name == gm.instrumentName else "") or name[:3]
        clef = "treble8vb" if track.program in GUITARS else clef_for(track.notes["pitch"])
        plans.append(PartPlan(i, name, abbreviation.rstrip(".") + ".", clef, track.program))
    return _numbered(plans)


def _numbered(plans: list[PartPlan]) -> list[PartPlan]:
    """Parts that share a name are told apart by number: Violin 1, Violin 2 (Vln. 1, Vln. 2)."""
    names = [p.name for p in plans]
    out, seen = [], {}
    for p in plans:
        if names.count(p.name) > 1 and p.abbreviation not in ("S.", "A.", "T.", "B."):
            seen[p.name] = n = seen.get(p.name, 0) + 1
            p = PartPlan(p.track, f"{p.name} {n}", f"{p.abbreviation} {n}", p.clef, p.program)
        out.append(p)
    return out


def clef_for(pitches) -> str:
    """"treble" or "bass": the clef whose staff needs fewer ledger lines for these MIDI pitches (treble on a tie)."""
    p = np.asarray(pitches, dtype=np.int64)
    pos = (p // 12) * 7 + np.array(DIATONIC)[p % 12] - 7  # diatonic steps from C0 (MIDI 12)

    def ledger_lines(clef: str) -> int:
        low, high = STAFF_LINES[clef]
        return int((np.maximum(pos - high, 0) // 2).sum() + (np.maximum(low - pos, 0) // 2).sum())

    return "bass" if ledger_lines("bass") < ledger_lines("treble") else "treble"


def layers(notes: np.ndarray) -> list[list[tuple[int, int, np.ndarray]]]:
    """A track's notes as voices: lists of (start, end, row indices) chords, each voice without overlaps.
    Notes starting and ending together are one chord; a chord goes to the first voice free at its start."""
    chords: dict[tuple[int, int], list[int]] = {}
    for i, (s, d) in enumerate(zip(notes["start"].tolist(), notes["duration"].tolist())):
        chords.setdefault((s, s + d), []).append(i)
    voices: list[list] = []
    for (s, e), rows in sorted(chords.items()):
        voice = next((v for v in voices if v[-1][1] <= s), None)
        if voice is None:
            voices.append(voice := [])
        voice.append((s, e, np.array(rows)))
    return voices


def key_name(key: KeySignature) -> str:
    """"E♭ major", "F♯ minor": the key as a title names it."""
    return f"{tpc_name(tonic_tpc(key)).replace('#', '♯').replace('b', '♭')} {key.mode}"


def title_of(score: Score, plans: list[PartPlan]) -> str:
    """The score's title; without one, "Chorale in ..." for four voices, "Tune in ..." for one, else ""."""
    if score.metadata.title:
        return score.metadata.title
    key = keys_for(score)[0]
    if [p.name for p in plans] == ["Soprano", "Alto", "Tenor", "Bass"]:
        return f"Chorale in {key_name(key)}"
    return f"Tune in {key_name(key)}" if len(plans) == 1 else ""


def fermata_ticks(score: Score) -> list[int]:
    """`Score.fermatas` with those less than a beat after another dropped: the readers keep an inner voice's
    fermata on the resolution of a suspension, an eighth after the soprano's, which is the phrase end."""
    out: list[int] = []
    for t in score.fermatas:
        meter = next((s for s in reversed(score.time_signatures) if s.tick <= t), score.time_signatures[0])
        if not out or t - out[-1] >= beat_ticks(meter):
            out.append(t)
    return out


def to_notation(score: Score):
    """The score as a music21 Score ready to write as MusicXML (see the module doc); made `readable` first."""
    score = readable(score.validate())
    plans = part_plans(score)
    spelled = spell(score)
    return build(score, plans, bars(score), [spelled[p.track] for p in plans],
                 [layers(score.tracks[p.track].notes) for p in plans], fermata_ticks(score), title_of(score, plans))


__all__ = ["Bar", "PartPlan", "bars", "clef_for", "fermata_ticks", "key_name", "layers", "part_plans", "readable",
           "title_of", "to_notation"]
