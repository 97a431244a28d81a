"""Exercises written for the tests, each with planted faults: every planted fault must be found, where it was
planted (bar, beat, voices), with an explanation, a knowledge-tree path and a fix that removes it."""

import pytest

from tunesmith.assistant.analysis import analyze_score
from tunesmith.assistant.check import KNOWLEDGE, RULE_SETS, check, check_analysis, feedback_text
from tunesmith.cli import main
from tunesmith.errors import ConfigError, ScoreError
from tunesmith.io import write
from tunesmith.score import Score, Track, note_array

from .scores import Q, chorale

I = (72, 64, 55, 48)
# (name, chords (S, A, T, B) a quarter each from bar 1, planted (rule, beat, voices))
PLANTED = [
    ("parallel fifths", [I, (77, 65, 57, 50)], ("parallel_fifths", 2, ("tenor", "bass"))),
    ("parallel octaves", [I, (74, 65, 62, 50)], ("parallel_octaves", 2, ("soprano", "bass"))),
    ("hidden octaves", [(67, 64, 60, 46), (72, 67, 64, 48)], ("hidden_octaves", 2, ("soprano", "bass"))),
    ("hidden fifths", [(69, 65, 60, 53), (74, 62, 59, 55)], ("hidden_fifths", 2, ("soprano", "bass"))),
    ("crossing", [I, (67, 60, 64, 48)], ("voice_crossing", 2, ("alto", "tenor"))),
    ("overlap", [(72, 65, 57, 53), (74, 74, 67, 43)], ("voice_overlap", 2, ("alto", "tenor"))),
    ("spacing", [I, (79, 64, 60, 48)], ("spacing", 2, ("soprano", "alto"))),
    ("range", [I, (72, 64, 55, 36)], ("range", 2, ("bass",))),
    ("leading tone", [(71, 65, 62, 55), (67, 64, 60, 48)], ("unresolved_leading_tone", 2, ("soprano",))),
    ("seventh", [(71, 65, 62, 55), (72, 67, 64, 48)], ("unresolved_seventh", 2, ("alto",))),
]


@pytest.mark.parametrize("name, chords, planted", PLANTED, ids=[p[0] for p in PLANTED])
def test_every_planted_fault_is_found_with_a_working_fix(name, chords, planted):
    feedback = check_analysis(analyze_score(chorale(*chords)))
    found = [(it.rule, it.beat, it.voices) for it in feedback.items]
    assert planted in found, found
    item = feedback.items[found.index(planted)]
    assert item.bar == "1" and item.knowledge == KNOWLEDGE[item.rule] and item.explanation and item.fix
    assert item.fix.startswith(("move the", "let the", "write the", "no single note"))


def test_the_parallel_fifth_fix_moves_the_tenor_and_the_fault_is_gone():
    feedback = check_analysis(analyze_score(chorale(I, (77, 65, 57, 50))))
    fix = next(it.fix for it in feedback.items if it.rule == "parallel_fifths")
    assert fix == "move the tenor to F3 to avoid the parallel fifths with the bass"
    fixed = check_analysis(analyze_score(chorale(I, (77, 65, 53, 50))))
    assert "parallel_fifths" not in [it.rule for it in fixed.items]


def test_a_clean_phrase_has_no_faults():
    from .scores import PHRASE

    assert check_analysis(analyze_score(chorale(*PHRASE))).items == []


def test_species_counterpoint():
    # two voices: a dissonant fourth, a tritone leap, and an end on a third
    upper = note_array([(72, 0, Q), (74, 2 * Q // 2, Q), (67, 2 * Q, Q), (73, 3 * Q, Q), (64, 4 * Q, Q)])
    lower = note_array([(60, 0, Q), (69, Q, Q), (64, 2 * Q, Q), (67, 3 * Q, Q), (60, 4 * Q, Q)])
    exercise = Score(tracks=(Track(upper), Track(lower)))
    rules = [(it.rule, it.beat) for it in check_analysis(analyze_score(exercise), "species").items]
    assert ("dissonance", 2) in rules and ("leap", 4) in rules and ("ends", 1) in rules  # bar 2 beat 1: a third


def test_a_file_exercise_is_checked_and_annotated(tmp_path):
    path = write(chorale(I, (77, 65, 57, 50)), tmp_path / "exercise.mid")
    feedback = check(path, "chorale", tmp_path / "out")
    assert [it.rule for it in feedback.items] == ["parallel_fifths"]
    assert 'color="#d0021b"' in feedback.outputs["musicxml"].read_text()
    assert feedback.outputs["svg"].read_text().count("#d0021b") >= 2
    assert "fix: move the tenor to F3" in feedback_text(feedback)


def test_bad_input_gets_one_clear_line(tmp_path, capsys):
    one_voice = write(Score(tracks=(Track(note_array([(60, 0, Q), (62, Q, Q)])),)), tmp_path / "melody.mid")
    with pytest.raises(ScoreError, match="want 4 voices; this score has 1"):
        check(one_voice)
    with pytest.raises(ConfigError, match="valid: chorale, species, parallels"):
        check(one_voice, "jazz")
    empty = write(Score(tracks=(Track(),)), tmp_path / "empty.json")
    for argv in (["check", str(one_voice)], ["check", str(one_voice), "--rules", "jazz"], ["check", str(empty)]):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert err.startswith("error: ") and err.count("\n") == 1 and "Traceback" not in err


def test_parts_that_cross_all_the_time_get_a_warning():
    # the "tenor" track sings above the "alto" track throughout: four voices, but named by pitch
    crossing = chorale(I, I, I).replace(tracks=chorale((72, 55, 64, 48), (72, 55, 64, 48)).tracks)
    feedback = check_analysis(analyze_score(crossing), "parallels")
    assert feedback.items == [] and feedback.warnings == []  # named by pitch, they do not cross
    tangled = Score(tracks=(Track(note_array([(64, 0, Q), (72, Q, Q), (64, 2 * Q, Q), (72, 3 * Q, Q)])),
                            Track(note_array([(72, 0, Q), (64, Q, Q), (72, 2 * Q, Q), (64, 3 * Q, Q)]))))
    feedback = check_analysis(analyze_score(tangled), "parallels")
    assert len(feedback.warnings) == 1 and "cross in 50% of the sonorities" in feedback.warnings[0]


def test_every_rule_has_a_knowledge_node_and_an_explanation():
    rules = {r for names, _ in RULE_SETS.values() for r in names}
    assert rules <= set(KNOWLEDGE)
