"""The analysis on the score: MusicXML with the Roman numerals under the bass, and an SVG with faults in colour.

The MusicXML is the one `tunesmith.render.notation` writes for engraving; this module only adds to its XML
tree (ElementTree): each numeral as a lyric of the bass note starting with it ("G: I", then "V6/5"), and for
each voice-leading fault the notes concerned coloured (the MusicXML `color` attribute, which verovio draws)
with a short label above the upper one ("P5" for parallel fifths). Positions are found by walking each
part's measures, so the annotation follows whatever that writer decides about measures and voices; a
pickup or leading bars it leaves out are absorbed by aligning the first notes.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from tunesmith.assistant.analysis import Analysis
from tunesmith.assistant.formats import key_label
from tunesmith.score.model import TPQ
from tunesmith.theory.meter import beat_ticks

FAULT_COLOUR = "#d0021b"
LABELS = {"parallel_fifths": "P5", "parallel_octaves": "P8", "hidden_fifths": "H5", "hidden_octaves": "H8",
          "voice_crossing": "X", "voice_overlap": "ov", "spacing": "sp", "range": "rng",
          "unresolved_leading_tone": "LT", "unresolved_seventh": "7th", "dissonance": "dis", "leap": "leap",
          "ends": "end"}
_STEPS = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}


def _notes(part: ET.Element) -> list[tuple[int, ET.Element, ET.Element]]:
    """(onset tick, <note>, its <measure>) of every sounding note of a part, its first measure from tick 0."""
    out, at, divisions = [], 0.0, 1.0
    for measure in part.findall("measure"):
        pos = end = last = 0.0
        for el in measure:
            if el.tag == "attributes" and el.find("divisions") is not None:
                divisions = float(el.findtext("divisions"))
            elif el.tag == "note":
                dur = float(el.findtext("duration") or 0) * TPQ / divisions
                chord = el.find("chord") is not None
                onset = last if chord else pos
                if el.find("rest") is None and el.find("grace") is None:
                    out.append((round(at + onset), el, measure))
                if not chord and el.find("grace") is None:
                    last, pos = pos, pos + dur
            elif el.tag in ("backup", "forward"):
                dur = float(el.findtext("duration") or 0) * TPQ / divisions
                pos += dur if el.tag == "forward" else -dur
            end = max(end, pos)
        at += end
    return out


def _midi(note: ET.Element) -> int:
    p = note.find("pitch")
    if p is None:
        return -1
    return 12 * (int(p.findtext("octave")) + 1) + _STEPS[p.findtext("step")] + int(float(p.findtext("alter") or 0))


def annotated_xml(analysis: Analysis, musicxml: str) -> str:
    """The MusicXML document with numerals under the bass and faults in colour (see the module doc)."""
    root = ET.fromstring(musicxml)
    parts = [_notes(p) for p in root.findall("part")]
    if not parts or not any(parts):
        return musicxml
    # the writer's parts are the tracks with notes, in track order; our voices are tracks by pitch
    sounding = [i for i, t in enumerate(analysis.score.tracks) if len(t) and not t.is_drum]
    part_of = {v: sounding.index(t) for v, t in enumerate(analysis.voice_tracks) if t in sounding}
    first_note = min(int(analysis.score.tracks[t].notes["start"].min()) for t in sounding)
    shift = first_note - min(n[0] for notes in parts for n in notes[:1])
    index = [{} for _ in parts]
    for p, notes in enumerate(parts):
        for tick, el, measure in notes:
            index[p].setdefault(tick + shift, []).append((el, measure))
    bass = part_of.get(analysis.voices - 1, len(parts) - 1)
    key, last_tick, last_label, line = None, None, "", "2"
    lowest_first = [bass] + [part_of[v] for v in range(analysis.voices - 1, -1, -1) if part_of.get(v, bass) != bass]
    for h in analysis.spans:
        # under the bass note starting with the numeral, else the lowest voice starting then (bass held over)
        p = next((p for p in lowest_first if h.tick in index[p]), None)
        if h.numeral is None or p is None:
            continue
        label = h.numeral.figure if key_label(h.key) == key else f"{key_label(h.key)}: {h.numeral.figure}"
        key = key_label(h.key)
        el = index[p][h.tick][0][0]
        # a numeral close after the last one goes on the other lyric line, so that the two do not collide: less
        # than a beat after it, or a beat after it when the two are long
        gap = None if last_tick is None else (h.tick - last_tick) / beat_ticks(analysis.time_signature(h.tick))
        close = gap is not None and (gap < 1 or (gap == 1 and len(last_label) + len(label) > 5))
        line, last_tick, last_label = ("2" if line == "1" else "1") if close else "1", h.tick, label
        lyric = ET.SubElement(el, "lyric", {"number": line, "placement": "below"})
        ET.SubElement(lyric, "syllabic").text = "single"
        ET.SubElement(lyric, "text").text = label
    for fault in analysis.faults:
        marked = False
        for v, pitch in zip(fault.voices, fault.pitches):
            for el, measure in index[part_of.get(v, v)].get(fault.tick, []) if v in part_of else []:
                if _midi(el) % 12 == pitch % 12:
                    el.set("color", FAULT_COLOUR)
                    if not marked:
                        _label(measure, el, LABELS.get(fault.rule, fault.rule))
                        marked = True
    return ET.tostring(root, encoding="unicode", xml_declaration=True)


def _label(measure: ET.Element, note: ET.Element, text: str) -> None:
    """A red word above the staff at the note: a <direction> just before it in its measure."""
    direction = ET.Element("direction", {"placement": "above"})
    words = ET.SubElement(ET.SubElement(direction, "direction-type"), "words", {"color": FAULT_COLOUR})
    words.text = text
    children = list(measure)
    position = children.index(note)
    while position > 0 and children[position].find("chord") is not None:
        position -= 1  # before the chord's first note, not inside the chord
    measure.insert(position, direction)


def annotated_score_xml(analysis: Analysis) -> str:
    """The score written as MusicXML for engraving (`tunesmith.render.notation`), annotated."""
    from tunesmith.render.notation import musicxml_text

    return annotated_xml(analysis, musicxml_text(analysis.score.validate()))


def write_annotated_svg(analysis: Analysis, path) -> Path:
    """Engrave the annotated score as SVG with verovio; returns the path of page 1."""
    from tunesmith.render.notation import engrave

    return engrave(annotated_score_xml(analysis), path)
