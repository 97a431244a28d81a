"""The music21 objects of a notation plan (`tunesmith.io.notation`): parts of measures with voices, clefs, keys,
meters, tempo marks, notes with their spelling, values and ties, the accidentals shown, fermatas and beams; a
stream that music21 writes as MusicXML as it is (`makeNotation=False`)."""

from __future__ import annotations

import bisect
from fractions import Fraction

from tunesmith.score.model import TPQ, KeySignature, Score
from tunesmith.theory.meter import beat_ticks, is_compound
from tunesmith.theory.rhythm import quarter_length, split_values
from tunesmith.theory.spelling import key_fifths, keys_for, step_alter, tonic_tpc, written_octave

SHARP_ORDER = "FCGDAEB"


def _ql(ticks: int) -> Fraction:
    return quarter_length(ticks)


def signature_alter(step: str, fifths: int) -> int:
    """The accidental a key signature of `fifths` gives a letter: +1, -1 or 0."""
    if fifths > 0:
        return int(SHARP_ORDER.index(step) < fifths)
    return -int(SHARP_ORDER[::-1].index(step) < -fifths) if fifths < 0 else 0


def _in_force(events, tick):
    """The last event of a sorted map at or before `tick` (the first if none is)."""
    found = events[0]
    for e in events:
        if e.tick > tick:
            break
        found = e
    return found


def m21_key(key: KeySignature):
    from music21 import key as m21key

    step, alter = step_alter(tonic_tpc(key))
    return m21key.Key(step + ("#" * alter if alter > 0 else "-" * -alter), key.mode)


def m21_clef(name: str):
    from music21 import clef

    return {"treble": clef.TrebleClef, "bass": clef.BassClef, "treble8vb": clef.Treble8vbClef}[name]()


def metronome_mark(qpm: float, meter):
    """A metronome mark with the beat's note (a dotted quarter in 6/8, a half in 2/2) where its number is whole,
    else with a quarter note."""
    from music21 import duration, tempo

    beat = beat_ticks(meter) if is_compound(meter) or meter.denominator == 2 else TPQ
    number = qpm * TPQ / beat
    if abs(number - round(number)) > 0.01:
        beat, number = TPQ, qpm
    number = int(round(number)) if abs(number - round(number)) <= 0.01 else round(number, 2)
    return tempo.MetronomeMark(number=number, referent=duration.Duration(_ql(beat)))


def build(score: Score, plans, bars, tpcs, voices, fermatas, title: str):
    """A music21 Score of the planned parts over the planned bars (see `tunesmith.io.notation.to_notation`):
    per plan, the spelling (TPC) of each of its track's notes and its voices (`layers`); the fermata ticks."""
    from music21 import bar as m21bar
    from music21 import instrument, layout, metadata, stream

    s = stream.Score()
    s.metadata = metadata.Metadata()
    s.metadata.title = title or None
    s.metadata.composer = score.metadata.composer or None
    keys = keys_for(score)
    fermatas = set(fermatas)
    marks = tempo_changes(score, bars[0].start) if bars else []
    parts = []
    for k, plan in enumerate(plans):
        track = score.tracks[plan.track]
        part = stream.Part(id=f"P{k + 1}")
        part.partName, part.partAbbreviation = plan.name, plan.abbreviation
        inst = instrument.Instrument()
        inst.instrumentName, inst.instrumentAbbreviation = plan.name, plan.abbreviation
        inst.midiProgram, inst.partId, inst.instrumentId = plan.program, f"P{k + 1}", f"P{k + 1}-I1"
        part.insert(0, inst)
        previous = {"key": None, "meter": None, "time_signature": None, "altered": {}}
        for bar in bars:
            m = _measure(bar, track.notes, tpcs[k], voices[k], fermatas, keys, previous)
            for c in score.chords if k == 0 else ():  # chord symbols above the top staff
                if bar.start <= c.tick < bar.end or (bar is bars[0] and c.tick < bar.start):
                    m.insert(_ql(max(c.tick - bar.start, 0)), chord_symbol(c, _in_force(keys, c.tick)))
            if bar is bars[0]:
                m.clef = m21_clef(plan.clef)
            for tick, qpm in marks if k == 0 else ():
                if bar.start <= tick < bar.end:
                    m.insert(_ql(tick - bar.start), metronome_mark(qpm, bar.meter))
            if bar is bars[-1]:
                m.rightBarline = m21bar.Barline("final")
            part.insert(_ql(bar.start - bars[0].start), m)
        _tuplet_brackets(part)
        parts.append(part)
        s.insert(0, part)
    if len(parts) > 1:
        vocal = all(p.abbreviation in ("S.", "A.", "T.", "B.") for p in plans)
        s.insert(0, layout.StaffGroup(parts, symbol="bracket", barTogether=not vocal))
    return s


# tunesmith.score.model.CHORD_QUALITIES -> MusicXML <kind>
KINDS = {"maj": "major", "min": "minor", "dim": "diminished", "aug": "augmented", "sus4": "suspended-fourth",
         "sus2": "suspended-second", "7": "dominant", "maj7": "major-seventh", "m7": "minor-seventh",
         "m7b5": "half-diminished", "dim7": "diminished-seventh", "mMaj7": "major-minor", "6": "major-sixth",
         "m6": "minor-sixth", "9": "dominant-ninth", "maj9": "major-ninth", "m9": "minor-ninth", "5": "power"}
SHARP_ROOTS = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")
FLAT_ROOTS = ("C", "D-", "D", "E-", "E", "F", "G-", "G", "A-", "A", "B-", "B")


def chord_symbol(chord, key):
    """A music21 ChordSymbol (written as <harmony>, not as notes) of a score's chord symbol, its root spelled
    with the key's accidentals (flats in a flat key)."""
    from music21 import harmony

    roots = FLAT_ROOTS if key_fifths(key) < 0 else SHARP_ROOTS
    cs = harmony.ChordSymbol(root=roots[chord.root], kind=KINDS[chord.quality])
    cs.writeAsChord = False
    return cs


def _measure(bar, notes, tpcs, voices, fermatas, keys, previous):
    """One part's measure of `bar`: attributes where they change, its voices' notes and rests, accidentals."""
    from music21 import meter, stream

    m = stream.Measure(number=bar.number)
    if bar.start > bar.origin:  # a pickup: music21 reads the padding back as the readers do
        m.paddingLeft = float(_ql(bar.start - bar.origin))
        m.showNumber = stream.enums.ShowNumber.NEVER  # written as implicit="yes"
    elif bar.end - bar.origin < bar.meter.bar_ticks:  # a last bar ending short: beamed from its bar line
        m.paddingRight = float(_ql(bar.origin + bar.meter.bar_ticks - bar.end))
    key = _in_force(keys, bar.start)
    if key_fifths(key) != previous["key"]:  # a change to the relative key keeps its signature: not restated
        m.keySignature, previous["key"] = m21_key(key), key_fifths(key)
    sig = (bar.meter.numerator, bar.meter.denominator)
    if sig != previous["meter"]:
        m.timeSignature, previous["meter"] = meter.TimeSignature(f"{sig[0]}/{sig[1]}"), sig
        previous["time_signature"] = m.timeSignature
        beams = m.timeSignature.beamSequence
        if not is_compound(bar.meter) and sig[1] <= 4 and len(beams) != sig[0]:
            beams.partition(sig[0])  # beamed by the beat: music21 groups 5/4 in 2 + 3 quarters
        # irregular eighths (5/8, 7/8) keep music21's groups of two and three eighths, as they are felt
    placed = []  # (tick, voice number, element) of every note and chord, for the accidentals
    for v, voice in enumerate(voices):
        elements = _voice(bar, voice, notes, tpcs, fermatas, hidden=v > 0, bar_rest=len(voices) == 1)
        target = m
        if len(voices) > 1:
            target = stream.Voice(id=str(v + 1))
            m.insert(0, target)
        for tick, el in elements:
            if len(voices) > 1 and not el.isRest:
                el.stemDirection = "up" if v % 2 == 0 else "down"
            target.insert(_ql(tick - bar.start), el)
            if not el.isRest:
                placed.append((tick, v, el))
    previous["altered"] = _show_accidentals(placed, key_fifths(key), previous["altered"])
    _beam(m, previous["time_signature"])
    return m


def _beam(m, time_signature) -> None:
    """Beams by the meter's beam groups (music21's, by the beat: see `_measure`), in each voice of a measure.
    What music21's `makeBeams` does, given the meter: it looks the meter up for each measure through the whole
    part (time quadratic in the bars: 12 s for 500 bars), and sets stem directions the engraver sets anyway."""
    from music21 import beam

    offset = m.paddingLeft or 0.0  # a pickup's notes sit at the end of the meter's bar
    for container in m.voices or [m]:
        notes = container.notesAndRests.stream()
        if len(notes) < 2:
            continue
        for n, beams in zip(notes, time_signature.getBeams(notes, measureStartOffset=offset)):
            n.beams = beams if beams is not None else beam.Beams()


def _voice(bar, voice, notes, tpcs, fermatas, hidden: bool, bar_rest: bool):
    """(tick, element) of one voice in a bar: its chords cut at the bar lines, split into tied values, and
    rests between them (hidden in a second voice)."""
    out, cursor = [], bar.start
    first = bisect.bisect_right(voice, bar.start, key=lambda chord: chord[1])  # a voice's chords never overlap
    for s, e, rows in voice[first:]:
        if s >= bar.end:
            break
        if s > cursor:
            out += _rests(bar, cursor, s, hidden, fermatas)
        a, b = max(s, bar.start), min(e, bar.end)
        t = a
        pieces = split_values(a - bar.origin, b - bar.origin, bar.meter)
        for j, d in enumerate(pieces):
            tie_in, tie_out = j > 0 or s < a, j < len(pieces) - 1 or e > b
            el = _note(notes, tpcs, rows, d, tie_in, tie_out)
            if j == 0 and s == a and s in fermatas:
                _fermata(el)
            out.append((t, el))
            t += d
        cursor = b
    if cursor < bar.end:
        whole = cursor == bar.start and bar.start == bar.origin and bar.end - bar.origin == bar.meter.bar_ticks
        out += _rests(bar, cursor, bar.end, hidden, fermatas, whole and bar_rest)
    return out


def _rests(bar, s, e, hidden, fermatas, whole_bar=False):
    from music21 import note

    out, t = [], s
    for d in ([e - s] if whole_bar else split_values(s - bar.origin, e - bar.origin, bar.meter, rest=True)):
        r = note.Rest(quarterLength=_ql(d))
        if whole_bar:
            r.fullMeasure = True  # a whole-bar rest, whatever the meter
        if hidden:
            r.style.hideObjectOnPrint = True
        elif t in fermatas:
            _fermata(r)
        out.append((t, r))
        t += d
    return out


def _fermata(el):
    from music21 import expressions

    fermata = expressions.Fermata()
    fermata.type = "upright"  # over the staff, in every part (music21's default, inverted, hangs below it)
    el.expressions.append(fermata)


def _note(notes, tpcs, rows, ticks, tie_in, tie_out):
    """A Note (or a Chord of several rows) of `ticks`, spelled, tied in and out as asked."""
    from music21 import chord, duration, note, pitch, tie

    pitches = []
    for r in rows:
        step, alter = step_alter(int(tpcs[r]))
        p = pitch.Pitch()
        p.step, p.octave = step, written_octave(int(notes["pitch"][r]), int(tpcs[r]))
        p.accidental = pitch.Accidental(alter) if alter else None
        pitches.append(p)
    el = note.Note(pitches[0]) if len(pitches) == 1 else chord.Chord(pitches)
    el.duration = duration.Duration(_ql(ticks))
    if tie_in or tie_out:
        el.tie = tie.Tie("continue" if tie_in and tie_out else "stop" if tie_in else "start")
    return el


def _show_accidentals(placed, fifths: int, before: dict) -> dict:
    """Show each accidental the key signature and the bar so far do not give (per staff line, any voice), and
    a courtesy one where the bar before altered the same line; returns the lines this bar leaves altered."""
    from music21 import pitch

    state: dict[tuple[str, int], int] = {}
    for _, _, el in sorted(placed, key=lambda x: (x[0], x[1])):
        continued = el.tie is not None and el.tie.type in ("stop", "continue")
        for p in el.pitches:
            line, alter = (p.step, p.octave), int(p.accidental.alter) if p.accidental is not None else 0
            default = signature_alter(p.step, fifths)
            expected = state.get(line, default)
            if continued:  # a tied note's accidental is not repeated, and it alters nothing after it
                if p.accidental is not None:
                    p.accidental.displayStatus = False
                continue
            show = alter != expected or (line not in state and line in before and before[line] != alter)
            if show:
                p.accidental = pitch.Accidental(alter) if alter else pitch.Accidental("natural")
                p.accidental.displayStatus = True
            elif p.accidental is not None:
                p.accidental.displayStatus = False
            state[line] = alter
    return {line: a for line, a in state.items() if a != signature_alter(line[0], fifths)}


def tempo_changes(score: Score, start: int) -> list[tuple[int, float]]:
    """(tick, qpm) of each tempo to mark: the one in force at `start` (where the music begins), then each
    later change to another tempo."""
    out = [(start, _in_force(score.tempos, start).qpm)]
    for t in score.tempos:
        if t.tick > start and t.qpm != out[-1][1]:
            out.append((t.tick, t.qpm))
    return out


def _tuplet_brackets(part) -> None:
    """Brackets over triplets, where a measure holds any."""
    from music21 import stream
    from music21.stream.makeNotation import makeTupletBrackets

    for m in part.getElementsByClass(stream.Measure):
        for container in [m, *m.voices]:
            if any(n.duration.tuplets for n in container.notesAndRests):
                makeTupletBrackets(container, inPlace=True)
