"""What a musician checks in a written score, read from the MusicXML element tree alone (not from the writer's
own objects): each function raises AssertionError naming the measure where the score is not written so."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from fractions import Fraction

from tunesmith.evaluation.notation import STEPS, signature_alter
from tunesmith.score import TPQ, Score, TimeSignature
from tunesmith.theory.meter import beat_ticks
from tunesmith.theory.rhythm import is_value

CLEFS = {("G", "2", None): "treble", ("F", "4", None): "bass", ("G", "2", "-1"): "treble8vb"}


def parts(root: ET.Element) -> list[ET.Element]:
    return root.findall("part")


def part_names(root: ET.Element) -> list[tuple[str, str]]:
    """(part-name, part-abbreviation) of each part."""
    return [(sp.findtext("part-name", ""), sp.findtext("part-abbreviation", ""))
            for sp in root.find("part-list").findall("score-part")]


def clefs(root: ET.Element) -> list[str]:
    """The first clef of each part, by name."""
    out = []
    for part in parts(root):
        c = part.find("measure/attributes/clef")
        out.append(CLEFS.get((c.findtext("sign"), c.findtext("line"), c.findtext("clef-octave-change"))))
    return out


def key_fifths(root: ET.Element) -> list[int | None]:
    """The key signature in the first measure of each part (None where it writes none)."""
    return [int(f.text) if (f := part.find("measure/attributes/key/fifths")) is not None else None
            for part in parts(root)]


def notes_by_measure(part: ET.Element):
    """Per measure: (measure element, meter, [(onset in ticks from the measure start, voice, note element)])."""
    divisions, meter = 1, TimeSignature(0, 4, 4)
    for measure in part.findall("measure"):
        pos, last, rows = Fraction(0), Fraction(0), []
        for el in measure:
            if el.tag == "attributes":
                divisions = int(el.findtext("divisions") or divisions)
                if el.find("time") is not None:
                    meter = TimeSignature(0, int(el.findtext("time/beats")), int(el.findtext("time/beat-type")))
            elif el.tag == "backup":
                pos -= Fraction(int(el.findtext("duration")), divisions)
            elif el.tag == "forward":
                pos += Fraction(int(el.findtext("duration")), divisions)
            elif el.tag == "note":
                onset = last if el.find("chord") is not None else pos
                rows.append((int(onset * TPQ), el.findtext("voice", "1"), el))
                if el.find("chord") is None:
                    last = pos
                    pos += Fraction(int(el.findtext("duration")), divisions)
        yield measure, meter, rows


def ticks(el: ET.Element, divisions: int) -> int:
    return int(Fraction(int(el.findtext("duration")), divisions) * TPQ)


def assert_accidentals_read_right(root: ET.Element) -> None:
    """A reader who applies the key signature, the accidentals shown earlier in the bar on the same line, and
    ties, hears every note at its written <alter>: no accidental missing, none contradicting."""
    for p, part in enumerate(parts(root)):
        fifths = 0
        for measure, _, rows in notes_by_measure(part):
            f = measure.find("attributes/key/fifths")
            fifths = int(f.text) if f is not None else fifths
            line: dict[tuple[str, str], int] = {}
            for _, _, n in sorted(rows, key=lambda r: r[0]):
                pitch = n.find("pitch")
                if pitch is None:
                    continue
                step, octave = pitch.findtext("step"), pitch.findtext("octave")
                alter, shown = int(pitch.findtext("alter", "0")), n.findtext("accidental")
                continued = any(t.get("type") == "stop" for t in n.findall("tie"))
                if continued:
                    where = f"part {p} measure {measure.get('number')}"
                    assert shown is None, f"{where}: accidental on a tied note"
                    continue
                heard = ({"sharp": 1, "flat": -1, "natural": 0, "double-sharp": 2, "flat-flat": -2}[shown]
                         if shown else line.get((step, octave), signature_alter(step, fifths)))
                where = f"part {p} measure {measure.get('number')}"
                assert heard == alter, f"{where}: {step}{octave} reads {heard}, is {alter}"
                line[(step, octave)] = alter


def assert_ties_where_needed(root: ET.Element) -> None:
    """No tie joins two notes of one voice that lie within one beat and make one note value together, nor the
    two quarters of a half note on beats 1-2 (or 3-4) of 4/4: ties only where a value cannot show the note."""
    for p, part in enumerate(parts(root)):
        for measure, meter, rows in notes_by_measure(part):
            beat = beat_ticks(meter)
            by_voice: dict[str, list] = {}
            for onset, voice, n in rows:
                if n.find("chord") is None and n.find("rest") is None:
                    by_voice.setdefault(voice, []).append((onset, n))
            for notes in by_voice.values():
                for (a, n1), (b, n2) in zip(notes, notes[1:]):
                    if not any(t.get("type") == "start" for t in n1.findall("tie")):
                        continue
                    end = b + (b - a if n2.find("type") is None else _value(n2))
                    where = f"part {p} measure {measure.get('number')}"
                    assert a // beat != (end - 1) // beat or not is_value(end - a), f"{where}: a tie inside one beat"
                    if (meter.numerator, meter.denominator) == (4, 4):
                        assert not (a % (2 * TPQ) == 0 and end - a == 2 * TPQ), f"{where}: a half note as tied quarters"


def _value(n: ET.Element) -> int:
    """A note's written length from its <type>, dots and time modification, in ticks."""
    base = {"breve": 8, "whole": 4, "half": 2, "quarter": 1, "eighth": Fraction(1, 2), "16th": Fraction(1, 4),
            "32nd": Fraction(1, 8), "64th": Fraction(1, 16)}[n.findtext("type")]
    length = base * (2 - Fraction(1, 2 ** len(n.findall("dot"))))
    tm = n.find("time-modification")
    if tm is not None:
        length = length * int(tm.findtext("normal-notes")) / int(tm.findtext("actual-notes"))
    return int(length * TPQ)


def assert_beams_within_beats(root: ET.Element) -> None:
    """Every beamed group lies within one beat (a dotted quarter in 6/8; the whole bar in 3/8, felt in one).
    Irregular meters of eighths (5/8, 7/8) are felt in groups of two and three eighths: not checked."""
    for p, part in enumerate(parts(root)):
        for measure, meter, rows in notes_by_measure(part):
            if meter.denominator == 8 and meter.numerator % 3:
                continue
            beat = meter.bar_ticks if (meter.numerator, meter.denominator) == (3, 8) else beat_ticks(meter)
            offset = 0
            if measure.get("implicit") == "yes" and measure.get("number") == "0":
                length = max((o + _value(n) for o, _, n in rows if n.find("type") is not None), default=0)
                offset = meter.bar_ticks - length  # a pickup ends at the bar line
            group: list[int] = []
            for onset, _, n in rows:
                kinds = {b.text for b in n.findall("beam") if b.get("number") == "1"}
                if kinds & {"begin", "continue", "end"}:
                    group.append(onset + offset)
                if "end" in kinds:
                    beats = {t // beat for t in group}
                    assert len(beats) == 1, f"part {p} measure {measure.get('number')}: a beam over a beat"
                    group = []


def pickup_ticks(score: Score) -> int:
    """The length of the score's pickup: the silence before its first note, if that lies in the first bar."""
    first = int(score.all_notes()["start"].min())
    bar = score.time_signatures[0].bar_ticks
    return (bar - first % bar) % bar if first < bar else 0


def assert_pickup(root: ET.Element, score: Score) -> None:
    """A pickup is an anacrusis (measure 0, implicit, as long as the pickup), and the first measure holds a note."""
    pickup = pickup_ticks(score)
    for part in parts(root):
        first = part.find("measure")
        if pickup:
            assert (first.get("number"), first.get("implicit")) == ("0", "yes")
            rows = next(notes_by_measure(part))[2]
            length = max(o + _value(n) for o, _, n in rows)
            assert length == pickup, f"pickup written {length} ticks, is {pickup}"
        else:
            assert first.get("number") == "1"
    first = [next(notes_by_measure(p))[2] for p in parts(root)]
    assert any(n.find("rest") is None for rows in first for _, _, n in rows), "the first measure is silent"


def fermata_onsets(root: ET.Element, part: int = 0) -> list[int]:
    """Onsets (ticks from the first measure's start) of the fermatas of one part."""
    out, at = [], 0
    for _, _, rows in notes_by_measure(parts(root)[part]):
        out += [at + o for o, _, n in rows if n.find("notations/fermata") is not None]
        at += max((o + _value(n) for o, _, n in rows if n.find("type") is not None), default=0) if rows else 0
    return sorted(set(out))


def metronome(root: ET.Element) -> tuple[str, bool, float]:
    """(beat-unit, dotted, per-minute) of the first metronome mark."""
    m = root.find(".//direction/direction-type/metronome")
    return m.findtext("beat-unit"), m.find("beat-unit-dot") is not None, float(m.findtext("per-minute"))


def title(root: ET.Element) -> str:
    return root.findtext("work/work-title", "") or root.findtext("movement-title", "")


def written_step(n: ET.Element) -> tuple[str, int]:
    return n.findtext("pitch/step"), int(n.findtext("pitch/alter", "0"))


def leading_tones(root: ET.Element, tonic_pc: int):
    """(letter, alter) of every written note a semitone below the tonic that rises to the tonic next in its part:
    the leading tone at work (a note of that pitch class falling, say as the third of a chord on VI, is not)."""
    for part in parts(root):
        line = [n for _, _, rows in notes_by_measure(part) for _, _, n in rows
                if n.find("pitch") is not None and n.find("chord") is None]
        for n, after in zip(line, line[1:]):
            step, alter = written_step(n)
            pitch = int(n.findtext("pitch/octave")) * 12 + STEPS[step] + alter
            up = written_step(after)
            if (STEPS[step] + alter - tonic_pc) % 12 == 11 and (
                    int(after.findtext("pitch/octave")) * 12 + STEPS[up[0]] + up[1] == pitch + 1):
                yield step, alter
