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


CHROMIUM = "/usr/bin/chromium"
# Debian's Chromium, headless, with nothing that reaches for the network (there is none to reach)
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--autoplay-policy=no-user-gesture-required"]


@contextlib.contextmanager
def serving(tmp_path, cache, **settings):
    """The studio served by uvicorn on a free loopback port, in a thread of this process: its URL."""
    import socket
    import threading

    import uvicorn

    from tunesmith.web.app import create_app
    from tunesmith.web.config import from_env

    mp = pytest.MonkeyPatch()
    mp.setenv("TUNESMITH_CACHE", str(cache))
    try:
        app = create_app(from_env({}, data=tmp_path, **{"job_workers": 1, "embed": False, **settings}))
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 60
        while not (server.started and app.state.studio.catalog_ready()) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert server.started, "the studio did not start"
        yield f"http://127.0.0.1:{port}"
        server.should_exit = True
        thread.join(timeout=30)
    finally:
        mp.undo()
