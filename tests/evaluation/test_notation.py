import math
import xml.etree.ElementTree as ET

import pytest

from tunesmith.evaluation.notation import (
    fermata_ticks,
    parts_without_key,
    signature_alter,
    spelled_against_key,
    written_modes,
    written_notes,
)

Q = 480


def note(step, alter=0, duration=2, fermata=False, chord=False, rest=False):
    """A <note> at 2 divisions a quarter: duration 2 is a quarter."""
    pitch = "<rest/>" if rest else f"<pitch><step>{step}</step><alter>{alter}</alter><octave>4</octave></pitch>"
    marks = "<notations><fermata/></notations>" if fermata else ""
    return f"<note>{'<chord/>' if chord else ''}{pitch}<duration>{duration}</duration>{marks}</note>"


def doc(*parts, fifths=4, mode="major"):
    """A <score-partwise> in 4/4: each part a list of measures, each measure a string of notes; the first
    measure of a part carries a key when `fifths` is not None."""
    xml = []
    for i, measures in enumerate(parts):
        body = []
        for m, notes in enumerate(measures):
            attrs = ""
            if m == 0:
                key = f"<key><fifths>{fifths}</fifths><mode>{mode}</mode></key>" if fifths is not None else ""
                attrs = f"<attributes><divisions>2</divisions>{key}<time><beats>4</beats><beat-type>4</beat-type>" \
                        "</time></attributes>"
            body.append(f'<measure number="{m}">{attrs}{notes}</measure>')
        xml.append(f'<part id="P{i}">{"".join(body)}</part>')
    parts_list = "".join(f'<score-part id="P{i}"><part-name/></score-part>' for i in range(len(parts)))
    return ET.fromstring(f"<score-partwise><part-list>{parts_list}</part-list>{''.join(xml)}</score-partwise>")


def test_signature_alter():
    assert signature_alter("F", 1) == 1 and signature_alter("C", 1) == 0
    assert signature_alter("B", -1) == -1 and signature_alter("E", -1) == 0 and signature_alter("E", -2) == -1
    assert signature_alter("B", 0) == 0


def test_pickup_is_padded_and_fermatas_are_found_by_part():
    pickup = note("B", duration=2)  # one quarter: padded by three
    bar = note("E") + note("F", 1) + note("G", 1, fermata=True) + note("B")
    alto = [note("B"), note("E") + note("D", 1) + note("E", duration=1) + note("D", 1, duration=1, fermata=True)
            + note("E")]
    root = doc([pickup, bar], alto)
    assert [n.tick for n in written_notes(root) if n.part == 0] == [3 * Q, 4 * Q, 5 * Q, 6 * Q, 7 * Q]
    assert fermata_ticks(root, 0).tolist() == [6 * Q]
    assert fermata_ticks(root).tolist() == [6 * Q, int(6.5 * Q)]  # the alto's fermata an eighth later


def test_chords_backup_and_rests_keep_time():
    m = note("E") + note("G", 1, chord=True) + note("", rest=True) + note("B", fermata=True) + note("A") + \
        "<backup><duration>8</duration></backup>" + note("C", 1, duration=8)  # a second voice: a whole note
    ticks = [(n.tick, n.step) for n in written_notes(doc([m]))]
    assert ticks == [(0, "E"), (0, "G"), (Q, ""), (2 * Q, "B"), (3 * Q, "A"), (0, "C")]


def test_parts_without_key():
    root = doc([note("E") * 4], [note("E") * 4])
    assert parts_without_key(root) == 0.0
    assert parts_without_key(doc([note("E") * 4], fifths=None)) == 1.0
    mixed = doc([note("E") * 4], [note("E") * 4])
    attributes = mixed.findall("part")[1].find("measure/attributes")
    attributes.remove(attributes.find("key"))
    assert parts_without_key(mixed) == 0.5


def test_spelled_against_the_key():
    # E major (4 sharps): E-flat is D-sharp of the key, against it; G natural is chromatic, not counted
    root = doc([note("E") + note("E", -1) + note("D", 1) + note("G")])
    assert spelled_against_key(root) == pytest.approx(1 / 4)
    # with no key written, the key the caller knows (E major) decides; else C major, where D# is chromatic
    bare = doc([note("E", -1) + note("B", 1) + note("C") + note("E")], fifths=None)
    assert spelled_against_key(bare, fallback_fifths=4) == pytest.approx(1 / 4)  # E-flat
    assert spelled_against_key(bare) == pytest.approx(1 / 4)  # B-sharp is C of C major
    assert math.isnan(spelled_against_key(doc([note("", rest=True)])))


def test_written_modes():
    assert written_modes(doc([note("A") * 4], fifths=0, mode="Dorian")) == ["dorian"]
    assert written_modes(doc([note("A") * 4], fifths=None)) == []
