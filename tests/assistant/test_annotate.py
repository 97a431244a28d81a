import xml.etree.ElementTree as ET

from tunesmith.assistant.analysis import analyze_score
from tunesmith.assistant.annotate import FAULT_COLOUR, annotated_score_xml

from .scores import chorale, phrase_with_pickup


def test_numerals_sit_under_the_bass_notes_they_start_with_the_pickup_in_measure_0():
    root = ET.fromstring(annotated_score_xml(analyze_score(phrase_with_pickup())))
    bass = root.findall("part")[-1]
    first = bass.find("measure")
    assert first.get("number") == "0" and first.find("note/lyric/text").text == "C: I"
    texts = [t.text for t in bass.iter("text")]
    assert texts == ["C: I", "IV", "V7", "I", "vi", "ii6/5", "V", "I"]
    assert sum(1 for p in root.findall("part")[:-1] for _ in p.iter("lyric")) == 0


def test_a_fault_colours_both_notes_and_is_labelled():
    xml = annotated_score_xml(analyze_score(chorale((72, 64, 55, 48), (77, 65, 57, 50))))
    root = ET.fromstring(xml)
    coloured = [(i, n.findtext("pitch/step")) for i, p in enumerate(root.findall("part"))
                for n in p.iter("note") if n.get("color") == FAULT_COLOUR]
    assert coloured == [(2, "A"), (3, "D")]  # tenor A3 and bass D3, a fifth apart after one
    assert [w.text for w in root.iter("words") if w.get("color") == FAULT_COLOUR] == ["P5"]
