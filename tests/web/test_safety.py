"""Accounts keep libraries apart; hostile uploads, floods and slow requests cannot take the server down."""

from .helpers import compose, running_studio, signup


def test_no_token_no_library(client):
    assert client.get("/api/pieces").status_code == 401
    assert client.post("/api/jobs/compose", json={}).status_code == 401
    assert client.get("/api/pieces", headers={"Authorization": "Bearer forged"}).status_code == 401
    client.post("/api/users", json={"name": "pat", "password": "password1"})
    client.cookies.clear()
    assert client.post("/api/login", json={"name": "pat", "password": "wrong-one"}).status_code == 401
    r = client.post("/api/login", json={"name": "pat", "password": "password1"})
    assert r.status_code == 200 and "httponly" in r.headers["set-cookie"].lower()
    assert "samesite=strict" in r.headers["set-cookie"].lower()
    assert client.get("/api/me").json()["name"] == "pat"  # the session cookie alone signs in
    client.post("/api/logout")
    client.cookies.clear()
    assert client.get("/api/me").status_code == 401


def test_another_users_piece_is_404_everywhere(client):
    ann, bob = signup(client, "ann"), signup(client, "bob")
    pid = compose(client, ann)["result"]["pieces"][0]["id"]
    url = f"/api/pieces/{pid}"
    assert client.get(url, headers=ann).status_code == 200
    assert client.get(url, headers=bob).status_code == 404
    assert client.get(url + "/files/mid", headers=bob).status_code == 404
    assert client.patch(url, json={"kept": True, "title": "stolen"}, headers=bob).status_code == 404
    assert client.delete(url, headers=bob).status_code == 404
    assert client.put("/api/ratings", json={"item": f"piece:{pid}", "stars": 1}, headers=bob).status_code == 404
    r = client.post("/api/jobs/continue", json={"pieces": [pid]}, headers=bob)
    assert r.status_code == 404
    assert client.get("/api/pieces", headers=bob).json()["total"] == 0
    assert client.get(url, headers=ann).json()["title"] != "stolen"
    run = client.post("/api/jobs/compose", json={"request": {"bars": 1}, "formats": []}, headers=ann).json()
    assert client.get(run["url"], headers=bob).status_code == 404
    assert client.delete(run["url"], headers=bob).status_code == 404


def test_uploads_are_bounded_and_read_safely(client, tmp_path):
    h = signup(client, "uploader")

    def up(name, data):
        return client.post("/api/pieces", files={"file": (name, data)}, headers=h)

    assert up("tune.exe", b"MZ").status_code == 422
    r = up("broken.mid", b"MThd\x00\x00\x00\x06\x00\x01")
    assert r.status_code == 422 and "broken" not in client.get("/api/pieces", headers=h).text
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE")
    xxe = f"""<?xml version="1.0"?><!DOCTYPE score-partwise [<!ENTITY x SYSTEM "file://{secret}">]>
<score-partwise version="3.1"><part-list><score-part id="P1"><part-name>&x;</part-name></score-part></part-list>
<part id="P1"><measure number="1"><note><pitch><step>C</step><octave>4</octave></pitch><duration>4</duration></note>
</measure></part></score-partwise>"""
    r = up("xxe.musicxml", xxe.encode())
    assert r.status_code == 422 and "TOP-SECRET" not in r.text
    assert "entit" in r.json()["detail"].lower()
    r = up("huge.mid", b"MThd" + b"\x00" * (5 << 20))
    assert r.status_code == 413
    abc = "X:1\nT:Small tune\nM:6/8\nL:1/8\nK:D\nDFA dfa|gfe dcB|AFD DFA|d3 d3|]\n"
    r = up("small tune.abc", abc.encode())
    assert r.status_code == 201 and r.json()["meter"] == "6/8" and r.json()["notes"] == 20


def test_cors_is_closed_unless_an_origin_is_given(tmp_path, fake_corpora):
    from fastapi.testclient import TestClient

    from tunesmith.web.app import create_app
    from tunesmith.web.config import from_env

    preflight = {"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}
    closed = TestClient(create_app(from_env({}, data=tmp_path / "a")))  # no `with`: no job workers needed
    r = closed.options("/api/pieces", headers=preflight)
    assert "access-control-allow-origin" not in r.headers
    assert "access-control-allow-origin" not in closed.get("/api/jobs", headers={"Origin": "https://x.example"}).headers
    opened = TestClient(create_app(from_env({}, data=tmp_path / "b", cors_origins=("https://evil.example",))))
    assert opened.options("/api/pieces", headers=preflight).headers["access-control-allow-origin"] == \
        "https://evil.example"


def test_pages_load_only_their_own_code_and_served_files_run_none(client):
    h = signup(client, "careful")
    page = client.get("/")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff" and page.headers["x-frame-options"] == "DENY"
    pid = compose(client, h)["result"]["pieces"][0]["id"]
    served = client.get(f"/api/pieces/{pid}/files/mid", headers=h)
    assert "sandbox" in served.headers["content-security-policy"]


def test_docs_need_no_internet(tmp_path):
    from fastapi.testclient import TestClient

    from tunesmith.web.app import create_app
    from tunesmith.web.config import from_env

    c = TestClient(create_app(from_env({}, data=tmp_path)))
    page = c.get("/docs").text
    assert "cdn" not in page.lower() and "https://" not in page.split("<body")[0]
    js = [part.split('"')[0] for part in page.split('src="')[1:]]
    assert js and all(c.get(src).status_code == 200 for src in js)


def test_a_full_queue_answers_429_and_a_long_run_is_stopped(tmp_path, fake_corpora):
    long = {"request": {"bars": 512, "beams": 16}, "formats": []}
    with running_studio(tmp_path, fake_corpora, queue_size=1, job_seconds=3) as c:
        h = signup(c, "flood")
        first = c.post("/api/jobs/compose", json=long, headers=h)
        second = c.post("/api/jobs/compose", json=long, headers=h)
        codes = [first.status_code, second.status_code]
        # the first may still wait in the queue when the second comes; a third finds it full in any case
        third = c.post("/api/jobs/compose", json=long, headers=h)
        assert codes[0] == 202 and 429 in (codes[1], third.status_code)
        assert third.headers.get("retry-after") or codes[1] == 429
        with c.stream("GET", first.json()["events"], headers=h) as r:
            for _ in r.iter_lines():
                pass
        run = c.get(first.json()["url"], headers=h).json()
        assert run["status"] == "failed" and "took longer than 3 s" in run["error"]


def test_a_slow_request_gets_504():
    import asyncio

    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from tunesmith.web.guards import TimeLimit

    app = FastAPI()

    @app.get("/slow")
    async def slow():
        await asyncio.sleep(5)

    @app.get("/quick")
    async def quick():
        return {"ok": True}

    app.add_middleware(TimeLimit, seconds=0.2)
    c = TestClient(app)
    assert c.get("/quick").json() == {"ok": True}
    r = c.get("/slow")
    assert r.status_code == 504 and "longer than 0.2 s" in r.json()["detail"]
