import json

import pytest

from tunesmith.assistant.analyze import analyze
from tunesmith.cli import main
from tunesmith.errors import ConfigError, ScoreError
from tunesmith.io import write
from tunesmith.score import Score, Track

from .scores import phrase_with_pickup


@pytest.fixture
def chorale_file(tmp_path):
    return write(phrase_with_pickup(), tmp_path / "phrase.json")


def test_the_job_returns_texts_or_writes_files(chorale_file, tmp_path):
    report = analyze(chorale_file, ["text", "json", "rntxt"])
    assert report.outputs["rntxt"].count("\nm") == 3 and json.loads(report.outputs["json"])["voices"] == 4
    written = analyze(chorale_file, ["rntxt", "musicxml"], tmp_path / "out").outputs
    assert written["rntxt"].read_text() == report.outputs["rntxt"]
    xml = written["musicxml"].read_text()
    assert xml.count("<lyric") == 8 and "<text>C: I</text>" in xml and "<text>ii6/5</text>" in xml


def test_bad_requests_are_one_line_errors(chorale_file, tmp_path):
    with pytest.raises(ConfigError, match="valid: text, json, rntxt, musicxml, svg"):
        analyze(chorale_file, ["pdf"])
    with pytest.raises(ConfigError, match="--out"):
        analyze(chorale_file, ["svg"])
    empty = write(Score(tracks=(Track(),)), tmp_path / "empty.json")
    with pytest.raises(ScoreError, match="no notes"):
        analyze(empty)


def test_cli_prints_the_analysis_and_never_a_traceback(chorale_file, tmp_path, capsys):
    assert main(["analyze", str(chorale_file), "--format", "rntxt"]) == 0
    assert capsys.readouterr().out.startswith("Composer:")
    for argv in (["analyze", str(tmp_path / "missing.mid")], ["analyze", str(chorale_file), "--format", "x"]):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert err.startswith("error: ") and err.count("\n") == 1 and "Traceback" not in err
