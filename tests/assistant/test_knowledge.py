import pytest

from tunesmith.assistant.check import KNOWLEDGE
from tunesmith.assistant.explain import explain, music_keys, related
from tunesmith.assistant.knowledge import load, parse_node, tree, words
from tunesmith.cli import main
from tunesmith.errors import ConfigError
from tunesmith.score import KeySignature
from tunesmith.theory.cadences import Cadence
from tunesmith.theory.chords import parse_chord
from tunesmith.theory.faults import Fault
from tunesmith.theory.nonchord import NonChordTone
from tunesmith.theory.roman import numeral

TOPICS = ("intervals", "scales-and-modes", "chords", "harmonic-functions", "cadences", "non-chord-tones",
          "voice-leading", "counterpoint", "meter-and-rhythm", "form", "styles")


def test_the_tree_covers_the_topics_and_every_node_is_whole():
    t = tree()
    assert set(TOPICS) <= set(t.node("").children) and len(t.nodes) >= 60
    for path, n in t.nodes.items():
        assert n.title and len(n.text) > 40, path
        assert all(c.startswith(f"{path}/" if path else "") for c in n.children)
        for e in n.examples:
            assert e["piece"].count("/") >= 1 and e["bar"], (path, e)
    assert {"corpus:chorales", "corpus:essen", "corpus:oneills", "corpus:palestrina"} <= set(t.by_match)


def test_every_checked_rule_has_its_node():
    t = tree()
    for rule, path in KNOWLEDGE.items():
        assert f"fault:{rule}" in t.node(path).matches, rule


def test_retrieval_by_path_keyword_and_music():
    t = tree()
    assert t.node("voice-leading/parallel-fifths").title == "Parallel fifths"
    assert t.search("parallel fifths")[0].path == "voice-leading/parallel-fifths"
    assert t.search("consecutive octaves")[0].path == "voice-leading/parallel-octaves"
    assert t.search("what is a 4-3 suspension")[0].path == "non-chord-tones/suspension"
    assert [n.path for n in related(Fault("hidden_fifths", 0, (0, 3), (67, 48), 0))] == ["voice-leading/hidden-fifths"]
    c = KeySignature(0, 0, "major")
    assert related(Cadence(0, "DC", c, "V", "vi"))[0].path == "cadences/deceptive"
    assert related(NonChordTone(0, 0, 60, "anticipation"))[0].path == "non-chord-tones/anticipation"
    assert "chords/applied-chords" in [n.path for n in related(numeral(parse_chord("D7"), c))]
    assert [n.path for n in related(["ii6/5", "V7", "I"])] == ["cadences/perfect-authentic"]
    assert "chords/cadential-six-four" in [n.path for n in related(["I6/4", "V"])]
    with pytest.raises(ConfigError):
        music_keys(3.5)


def test_unknown_paths_and_queries_are_one_line_errors(capsys):
    with pytest.raises(ConfigError, match="did you mean voice-leading/spacing"):
        tree().node("voice-leading/spacin")
    for argv in (["explain", "voice-leading/nothing-here"], ["explain", "qwxyz"], ["explain"]):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert err.startswith("error: ") and err.count("\n") == 1
    assert main(["explain", "parallel", "fifths"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Parallel fifths  (voice-leading/parallel-fifths)") and "See also:" in out


def test_explain_lists_the_tree_and_follows_progressions():
    assert explain(list_all=True).count("\n") == len(tree().nodes)
    assert explain(progression="IV I").startswith("Plagal cadence")
    assert explain("cadence:HC").startswith("Half cadence")


def test_node_files_parse_and_bad_front_matter_is_named(tmp_path):
    n = parse_node("x/y", '+++\ntitle = "Y"\nmatches = ["fault:range"]\n+++\nText here.\n')
    assert (n.title, n.matches, n.text, n.parent) == ("Y", ("fault:range",), "Text here.", "x")
    with pytest.raises(ConfigError, match="'x/y'"):
        parse_node("x/y", "no front matter")
    with pytest.raises(ConfigError, match="'x/y'"):
        parse_node("x/y", "+++\ntitle = \n+++\n")
    (tmp_path / "a").mkdir()
    (tmp_path / "index.md").write_text('+++\ntitle = "Root"\n+++\nThe root of a small tree.\n')
    (tmp_path / "a" / "index.md").write_text('+++\ntitle = "A"\n+++\nA node with a child below it.\n')
    (tmp_path / "a" / "b.md").write_text('+++\ntitle = "B"\nkeywords = ["bee"]\n+++\nA leaf node.\n')
    small = load(tmp_path)
    assert small.node("").children == ("a",) and small.node("a").children == ("a/b",)
    assert small.search("bee")[0].path == "a/b"


def test_words_fold_plurals_and_drop_stop_words():
    assert words("The Parallel Fifths of a chorale") == ["parallel", "fifth", "chorale"]
