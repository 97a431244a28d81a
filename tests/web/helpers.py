"""Helpers of the web tests: a running studio, a signed-up user, a composed piece."""

import contextlib
import time

import pytest


@contextlib.contextmanager
def running_studio(tmp_path, cache, **settings):
    """A studio app on its own data folder, with its job workers started, as a TestClient."""
    from fastapi.testclient import TestClient

    from tunesmith.web.app import create_app
    from tunesmith.web.config import from_env

    mp = pytest.MonkeyPatch()
    mp.setenv("TUNESMITH_CACHE", str(cache))  # the fake corpora; job workers inherit it
    settings = {"job_workers": 1, "embed": False, **settings}
    try:
        app = create_app(from_env({}, data=tmp_path, **settings))
        with TestClient(app) as client:
            deadline = time.monotonic() + 60
            while not app.state.studio.catalog_ready() and time.monotonic() < deadline:
                time.sleep(0.05)
            yield client
    finally:
        mp.undo()


def signup(client, name: str, password: str = "password1") -> dict:
    """Headers of a new user's bearer token."""
    r = client.post("/api/users", json={"name": name, "password": password})
    assert r.status_code == 201, r.text
    client.cookies.clear()  # tests speak with tokens; the cookie would sign every request in as the last user
    return {"Authorization": f"Bearer {r.json()['token']}"}


def compose(client, headers, wait=True, **request) -> dict:
    body = {"request": {"bars": 2, **request}, "formats": ["mid"]}
    r = client.post(f"/api/jobs/compose?wait={str(wait).lower()}", json=body, headers=headers)
    assert r.status_code == (200 if wait else 202), r.text
    return r.json()
