"""`tunesmith serve` starts the studio on 127.0.0.1; `tunesmith listening-report` sums up the answers."""

import socket
import subprocess
import sys
import time

import httpx
import pytest

from tunesmith.cli import build_parser, main


def test_serve_binds_loopback_by_default():
    args = build_parser().parse_args(["serve"])
    assert (args.host, args.port, args.workers) == ("127.0.0.1", 8000, 1)


def test_several_processes_need_a_database_server(tmp_path, capsys):
    assert main(["serve", "--data", str(tmp_path), "--workers", "2"]) == 2
    assert "need a database server" in capsys.readouterr().err


def test_the_one_command_starts_the_studio(tmp_path, fake_corpora):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {"TUNESMITH_CACHE": str(fake_corpora), "PATH": "/usr/bin:/bin"}
    proc = subprocess.Popen([sys.executable, "-m", "tunesmith", "serve", "--port", str(port), "--data",
                             str(tmp_path), "--no-embed"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=2)
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        assert r.json()["ok"] is True
        page = httpx.get(f"http://127.0.0.1:{port}/").text
        assert "tunesmith studio" in page and "/static/js/app.js" in page
        assert (tmp_path / "library.db").is_file()
    finally:
        proc.terminate()
        out = proc.communicate(timeout=30)[0]
    assert f"http://127.0.0.1:{port}/" in out


def test_listening_report(tmp_path, capsys):
    from tunesmith.library import Database
    from tunesmith.library.accounts import create_user
    from tunesmith.library.trials import add_trial, answer

    db = Database(f"sqlite:///{tmp_path}/library.db")
    with db.session.begin() as s:
        uid = create_user(s, "judge", "password1").id
        for i, guess in enumerate("aab"):  # the machine was "a" each time: two right, one wrong
            t = add_trial(s, uid, "bach", "chorales", f"corpus:chorales/{i}", "a", {})
            answer(s, uid, t.id, guess, 3, 4)
    db.close()
    assert main(["listening-report", "--data", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "chorales" in out and " 67%" in out and "3" in out
    assert main(["listening-report", "--data", str(tmp_path), "--json"]) == 0
    import json

    (row,) = json.loads(capsys.readouterr().out)
    assert row["identified"] == 2 and row["trials"] == 3 and row["ci95"][0] == pytest.approx(0.2077, abs=1e-3)
