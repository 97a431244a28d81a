"""The server's settings travel to several uvicorn worker processes as TUNESMITH_* variables."""

from pathlib import Path

import pytest

from tunesmith.errors import ConfigError
from tunesmith.web.config import from_env


def test_settings_survive_the_trip_through_the_environment(tmp_path):
    settings = from_env({}, data=tmp_path, db_url="postgresql://me@localhost/db", job_workers=3, queue_size=9,
                        cors_origins=("https://a.example", "https://b.example"), embed=False, upgrade=False)
    again = from_env(settings.env())
    assert again == settings and again.files == Path(tmp_path) / "files"


def test_defaults_follow_the_library(tmp_path, monkeypatch):
    monkeypatch.delenv("TUNESMITH_DB", raising=False)
    monkeypatch.setenv("TUNESMITH_DATA", str(tmp_path))
    s = from_env({})
    assert s.data == tmp_path and s.db_url == f"sqlite:///{tmp_path / 'library.db'}"
    assert s.cors_origins == () and s.queue_size == 64


@pytest.mark.parametrize("env, message", [({"TUNESMITH_JOB_WORKERS": "many"}, "not a valid int"),
                                          ({"TUNESMITH_QUEUE_SIZE": "0"}, "queue size must be in")])
def test_bad_settings_are_one_line(env, message):
    with pytest.raises(ConfigError, match=message):
        from_env(env)
