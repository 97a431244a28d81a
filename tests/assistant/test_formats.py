import json
from pathlib import Path

import pytest

from tunesmith.assistant.analysis import analyze_score
from tunesmith.assistant.formats import key_label, to_dict, to_rntxt, to_text
from tunesmith.score import KeySignature

from .scores import phrase_with_pickup


def test_rntxt_lines_per_measure_with_the_pickup_as_m0():
    text = to_rntxt(analyze_score(phrase_with_pickup()))
    body = [line for line in text.splitlines() if line.startswith("m")]
    assert body == ["m0 b4 C: I", "m1 IV b2 V7 b3 I b4 vi", "m2 ii6/5 b2 V b3 I"]
    assert "Time Signature: 4/4" in text


def test_rntxt_rereads_with_music21():
    converter = pytest.importorskip("music21.converter")
    from music21 import roman

    stream = converter.parse(to_rntxt(analyze_score(phrase_with_pickup())), format="romanText")
    rns = list(stream.recurse().getElementsByClass(roman.RomanNumeral))
    assert [(rn.measureNumber, float(rn.beat), rn.figure) for rn in rns][:3] == [(0, 4.0, "I"), (1, 1.0, "IV"),
                                                                                (1, 2.0, "V7")]
    assert {str(rn.key) for rn in rns} == {"C major"}


def test_a_bach_chorale_rereads_with_music21_measure_for_measure():
    corpus = pytest.importorskip("music21.corpus")
    from music21 import converter, roman

    from tunesmith.assistant.analyze import read_analysis

    path = Path(corpus.__file__).parent / "bach" / "bwv269.mxl"
    a = read_analysis(path)
    rns = list(converter.parse(to_rntxt(a), format="romanText").recurse().getElementsByClass(roman.RomanNumeral))
    written = {(a.where(h.tick)[0], a.where(h.tick)[1], h.numeral.figure) for h in a.spans if h.numeral}
    read = {(str(rn.measureNumber) + (rn.getContextByClass("Measure").numberSuffix or ""), float(rn.beat), rn.figure)
            for rn in rns}
    assert written <= read  # music21 adds a chord at the start of a measure that continues the last one


def test_json_and_text_reports():
    a = analyze_score(phrase_with_pickup())
    d = json.loads(json.dumps(to_dict(a)))
    assert d["voices"] == 4 and d["keys"][0]["key"] == "C major"
    assert [c["kind"] for c in d["cadences"]] == ["PAC", "PAC"] and d["faults"] == []
    assert d["harmony"][0] == {"tick": 1440, "measure": "0", "beat": 4.0, "end": 1920, "key": "C major",
                               "numeral": "I", "chord": "C", "function": "tonic"}
    text = to_text(a, "phrase.mid")
    assert "Analysis of phrase.mid: 4 voices" in text and "PAC  perfect authentic cadence in C major" in text


def test_key_labels():
    assert key_label(KeySignature(0, 6, "minor")) == "f#" and key_label(KeySignature(0, 10, "major")) == "Bb"
