"""The worker process that runs the slow parser: its result comes back whole, and time, memory, a crash or an
unexpected exception in it come back as ScoreError; files past the size caps are refused unread."""

import os
import signal
import time
from pathlib import Path

import pytest

from tunesmith.errors import ScoreError
from tunesmith.io import limits, read
from tunesmith.io.limits import read_capped, run_limited
from tunesmith.score import Metadata, Score, Tempo, TimeSignature, Track, note_array

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the worker needs fork")

SCORE = Score(tracks=(Track(note_array([(60, 0, 480), (64, 480, 240, 99)]), program=40, name="Viola"),),
              tempos=(Tempo(0, 90.0),), time_signatures=(TimeSignature(0, 3, 4),), metadata=Metadata(title="t"))


def test_the_score_comes_back_whole():
    assert run_limited(lambda s: s, SCORE) == SCORE


def test_a_score_error_comes_back_with_its_message():
    def refuse():
        raise ScoreError("no such tune")

    with pytest.raises(ScoreError, match="^no such tune$"):
        run_limited(refuse)


def test_any_other_exception_comes_back_as_a_score_error_with_its_type():
    with pytest.raises(ScoreError, match=r"^ZeroDivisionError: division by zero$"):
        run_limited(lambda: 1 / 0)


def test_a_worker_past_the_time_limit_is_killed(monkeypatch):
    monkeypatch.setattr(limits, "SECONDS", 0.5)

    def hang():
        while True:
            time.sleep(0.01)

    with pytest.raises(ScoreError, match="took more than 0.5 s"):
        run_limited(hang)


@pytest.mark.skipif(not os.path.exists("/proc/self/statm"), reason="the memory limit needs /proc")
def test_a_worker_past_the_memory_limit_fails_cleanly(monkeypatch):
    monkeypatch.setattr(limits, "MEMORY_BYTES", 64 << 20)
    with pytest.raises(ScoreError, match="needs more than 64 MiB of memory"):
        run_limited(lambda: bytearray(1 << 30))


def test_a_worker_that_dies_is_a_score_error():
    with pytest.raises(ScoreError, match="the reader died .signal SIGKILL"):
        run_limited(lambda: os.kill(os.getpid(), signal.SIGKILL))


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="looks for zombies in /proc")
def test_the_parent_goes_on_after_a_killed_worker(monkeypatch):
    monkeypatch.setattr(limits, "SECONDS", 0.5)
    with pytest.raises(ScoreError):
        run_limited(time.sleep, 5)
    assert run_limited(lambda: SCORE) == SCORE
    assert zombie_children() == []  # every worker was reaped


def zombie_children() -> list[int]:
    """Ids of this process's children that ended and were never waited for (Linux)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # gone meanwhile
        if fields[0] == "Z" and int(fields[1]) == os.getpid():
            found.append(int(stat.parent.name))
    return found


def test_read_capped(tmp_path):
    path = tmp_path / "f"
    path.write_bytes(b"x" * 100)
    assert read_capped(path, 100) == b"x" * 100
    with pytest.raises(ScoreError, match="larger than"):
        read_capped(path, 99)


@pytest.mark.parametrize("name", ["big.abc", "big.json", "big.musicxml", "big.mxl"])
def test_text_files_past_the_cap_are_refused_unread(tmp_path, monkeypatch, name):
    monkeypatch.setattr(limits, "MAX_TEXT_BYTES", 1 << 20)
    path = tmp_path / name
    path.write_bytes(b" " * ((1 << 20) + 1))
    with pytest.raises(ScoreError, match="big.*larger than 1 MiB"):
        read(path)
