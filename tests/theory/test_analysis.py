import json

from tunesmith.score import KeySignature, Metadata, Tempo, TimeSignature, Track
from tunesmith.theory.analysis import describe, summary

from .scores import Q, melody, score_of


def _score():
    piano = Track(melody([60, 62, 64, 65, 67, 65, 64, 62, 60], [1] * 8 + [4]), program=0, name="Piano")
    drums = Track(melody([36, 38] * 4), is_drum=True, name="Drums")
    return score_of(
        piano, drums,
        time_signatures=(TimeSignature(0, 4, 4), TimeSignature(8 * Q, 3, 4)),
        key_signatures=(KeySignature(0, 0, "major"),),
        metadata=Metadata(title="Scale", composer="Anon", source="scale.mid"),
    ).replace(tempos=(Tempo(0, 60.0),))


def test_describe_holds_everything_json_ready():
    d = describe(_score())
    assert d["title"] == "Scale" and d["composer"] == "Anon" and d["source"] == "scale.mid"
    assert "license" not in d  # metadata appears only when set
    piano = {"name": "Piano", "program": 0, "is_drum": False, "notes": 9, "pitch_range": [60, 67]}
    assert d["tracks"][0] == piano
    assert d["tracks"][1]["is_drum"] and d["notes"] == 17
    assert d["seconds"] == 12.0  # 12 quarters at 60 qpm
    assert d["bars"] == 4  # 12 quarters: two bars of 4/4, then two of 3/4
    assert [k["key"] for k in d["key_signatures"]] == ["C major"] and d["estimated_key"] == "C major"
    assert [(m["meter"], m["bar"]) for m in d["time_signatures"]] == [("4/4", 1), ("3/4", 3)]
    assert d["tempos"] == [{"tick": 0, "bar": 1, "qpm": 60.0}]
    json.dumps(d)


def test_summary_is_readable_text():
    text = summary(_score())
    assert text.splitlines()[0].startswith("title") and "Scale" in text
    assert "Piano" in text and "C4-G4" in text and "drums" in text
    assert "C major (notated); C major (estimated)" in text
    assert "4/4 (bar 1), 3/4 (bar 3)" in text and "60.0 qpm" in text
    assert "12.0 s, 4 bars" in text


def test_empty_score():
    d = describe(score_of())
    assert d["notes"] == 0 and d["bars"] == 0 and d["estimated_key"] is None and d["tracks"] == []
    assert "unknown (estimated)" in summary(score_of())
