"""Fuzz: corrupt and hostile files of every format, from a fixed seed, through `tunesmith.read`. Each one reads
as a valid Score or raises ScoreError from its reader: no other exception, and none caught only by `read`'s
safety net. bench/fuzz.py runs the same generator on 10,000 inputs."""

import importlib.util
from pathlib import Path

import pytest

from tunesmith.errors import ScoreError
from tunesmith.io import limits, read
from tunesmith.score import NOTE_DTYPE, Score

# the generator is loaded from its file: a package named tests/io would shadow the standard library's io
_spec = importlib.util.spec_from_file_location("corrupt", Path(__file__).with_name("corrupt.py"))
corrupt = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(corrupt)
FORMATS, corrupt_inputs = corrupt.FORMATS, corrupt.corrupt_inputs

pytestmark = pytest.mark.filterwarnings("ignore")

COUNT = 20 * len(FORMATS)


def test_every_corrupt_input_is_a_score_or_a_score_error(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "SECONDS", 20.0)  # a guard against a hang, well above any read here
    outcomes = {}
    for case in corrupt_inputs(COUNT, seed=0):
        path = tmp_path / f"{case.index}{case.suffix}"
        path.write_bytes(case.data)
        label = f"input {case.index} ({case.suffix}, {case.how})"
        try:
            score = read(path)
        except ScoreError as e:
            assert e.__cause__ is None, f"{label}: only read's safety net caught {e.__cause__!r}"
            assert "\n" not in str(e), f"{label}: a message of more than one line"
            outcomes[case.index] = "error"
            continue
        except Exception as e:  # noqa: B902 (the point of the test)
            pytest.fail(f"{label}: {type(e).__name__}: {e}")
        assert isinstance(score, Score) and score.validate() is score, label
        assert all(t.notes.dtype == NOTE_DTYPE for t in score.tracks), label
        outcomes[case.index] = "score"
    # the mutations leave some files readable and break others: both paths are exercised for every format
    for i, suffix in enumerate(FORMATS):
        kinds = {outcomes[j] for j in range(i, COUNT, len(FORMATS))}
        assert kinds == {"score", "error"}, f"{suffix}: only {kinds}"


def test_the_inputs_depend_on_the_seed_only():
    assert corrupt.seeds.__wrapped__() == corrupt.seeds()  # built again: the same bytes (no random ids, no dates)
    first = [c.data for c in corrupt_inputs(10, seed=3)]
    assert first == [c.data for c in corrupt_inputs(10, seed=3)]
    assert first[:5] == [c.data for c in corrupt_inputs(5, seed=3)]
    assert first != [c.data for c in corrupt_inputs(10, seed=4)]
