import pytest

from tunesmith.assistant.analysis import analyze_score, where_text
from tunesmith.errors import ScoreError
from tunesmith.score import Score, Track

from .scores import Q, phrase_with_pickup


def test_a_phrase_in_c_major():
    a = analyze_score(phrase_with_pickup())
    assert [h.numeral.figure for h in a.spans if h.numeral] == ["I", "IV", "V7", "I", "vi", "ii6/5", "V", "I"]
    assert [k.name for k in a.keys()] == ["C major"]
    assert where_text(a, 6 * Q) == "bar 1, beat 3"
    assert a.where(3 * Q) == ("0", 4.0) and a.where(4 * Q) == ("1", 1.0)
    assert a.voices == 4 and a.faults == [] and a.non_chord_tones == []


def test_cadences_at_the_fermatas():
    a = analyze_score(phrase_with_pickup())
    assert [(a.where(c.tick), c.kind) for c in a.cadences] == [(("1", 3.0), "PAC"), (("2", 3.0), "PAC")]


def test_a_score_without_notes_is_refused():
    with pytest.raises(ScoreError, match="no notes"):
        analyze_score(Score(tracks=(Track(),)))


def test_one_voice_has_harmony_but_no_faults():
    a = analyze_score(phrase_with_pickup().replace(tracks=phrase_with_pickup().tracks[:1]))
    assert a.voices == 1 and a.faults == [] and a.spans
