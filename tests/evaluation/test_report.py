import argparse
import json

import pytest

from tunesmith.cli import evaluate as cli_evaluate
from tunesmith.errors import TunesmithError
from tunesmith.evaluation.compare import compare
from tunesmith.evaluation.features import FEATURES
from tunesmith.evaluation.metrics import METRICS
from tunesmith.evaluation.report import load_set, summary_text, write_report
from tunesmith.io import write

from .scores import melody, score_of

A = [score_of(melody([60, 62, 64, 65, 67][: 3 + i % 3])) for i in range(6)]
B = [score_of(melody([60, 67, 60, 72, 55][: 3 + i % 3])) for i in range(6)]
SOME = {k: METRICS[k] for k in ("pitch_range", "mean_abs_interval", "parallel_fifths")}
SOME_FEATURES = {k: FEATURES[k] for k in ("interval_histogram", "pitch_class_transition_matrix")}


def test_report_writes_markdown_json_and_one_plot_per_metric(tmp_path):
    c = compare(A, B, SOME, SOME_FEATURES)
    path = write_report(c, tmp_path / "out", "mine", "theirs")
    text = path.read_text()
    assert "mine" in text and "| mean_abs_interval |" in text and "balanced accuracy" in text
    for name in (*SOME, *SOME_FEATURES):
        png = tmp_path / "out" / "plots" / f"{name}.png"
        assert png.stat().st_size > 1000 and f"(plots/{name}.png)" in text
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["n_generated"] == 6 and summary["metrics"]["parallel_fifths"]["oa_reference"] is None
    assert "pitch_range" in summary_text(c)


def test_load_set_reads_folders_and_files(tmp_path):
    for i, s in enumerate(A[:3]):
        write(s, tmp_path / f"{i}.json")
    (tmp_path / "notes.txt").write_text("not a score")
    assert len(load_set(str(tmp_path))) == 3
    assert len(load_set(str(tmp_path / "0.json"))) == 1


def test_load_set_errors_are_clear(tmp_path):
    with pytest.raises(TunesmithError, match="CORPUS:SPLIT"):
        load_set(str(tmp_path / "missing"))
    with pytest.raises(TunesmithError, match="unknown split"):
        load_set("chorales:nope")
    with pytest.raises(TunesmithError, match="not prepared"):
        load_set("chorales:valid")  # the tests' private cache holds no corpus
    (tmp_path / "empty").mkdir()
    with pytest.raises(TunesmithError, match="no readable"):
        load_set(str(tmp_path / "empty"))


def test_cli_prints_the_table(tmp_path, capsys):
    for name, scores in (("gen", A), ("ref", B)):
        (tmp_path / name).mkdir()
        for i, s in enumerate(scores):
            write(s, tmp_path / name / f"{i}.json")
    parser = argparse.ArgumentParser()
    cli_evaluate.register(parser.add_subparsers())
    # without --out: writing the report (a plot per metric, seconds) is tested above
    args = parser.parse_args(["evaluate", str(tmp_path / "gen"), "--reference", str(tmp_path / "ref")])
    assert args.out is None
    assert args.func(args) == 0
    out = capsys.readouterr().out
    assert "classifier balanced accuracy" in out and "pitch_class_entropy" in out
