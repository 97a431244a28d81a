"""The job endpoints: composing with every setting checked by the library, background runs with their
events, the streamed notes, cancelling, downloads."""

import json
import re
from pathlib import Path

from .helpers import compose, signup


def events(client, url, headers) -> list[dict]:
    with client.stream("GET", url, headers=headers) as r:
        assert r.headers["content-type"].startswith("text/event-stream")
        return [json.loads(line[5:]) for line in r.iter_lines() if line.startswith("data:")]


def server_paths(result) -> list[str]:
    """Absolute paths in a result as the API shows it (its links, /api/..., are not paths of the server)."""
    return re.findall(r"(?<![\w.])/(?!api/)[\w.-]+/[^\s\"]*", json.dumps(result))


def test_every_job_has_its_endpoint_and_schema(client):
    jobs = {j["name"]: j for j in client.get("/api/jobs").json()}
    assert {"compose", "continue", "originality", "evaluate"} <= set(jobs) and "excerpt" not in jobs
    paths = client.get("/openapi.json").json()["paths"]
    assert all(f"/api/jobs/{name}" in paths for name in jobs)
    settings = jobs["compose"]["schema"]["$defs"]["Request"]["properties"]
    assert {"key", "meter", "tempo", "temperature", "top_p", "beams", "in_key"} <= set(settings)


def test_a_jobs_default_model_is_its_own_where_shipped(client, tmp_path, monkeypatch):
    """harmonize's "default" is the chorale Transformer (it beat the seq2seq), vary's a VAE, infill's the one that
    fits the piece: /api/jobs names it where it has shipped (the studio's form starts on it), else null (the form
    starts on compose's model)."""
    from tunesmith.generation import load
    from tunesmith.generation.given_jobs import HARMONIZER

    shipped = (load.SHIPPED / HARMONIZER / "config.json").is_file()
    jobs = {j["name"]: j["default_model"] for j in client.get("/api/jobs").json()}
    assert jobs["harmonize"] == (HARMONIZER if shipped else None)

    def defaults(*names):
        folder = tmp_path / "+".join(names or ("none",))
        folder.mkdir()
        for name in names:  # a shipped model is a folder with its config.json
            (folder / name).mkdir()
            (folder / name / "config.json").write_text("{}")
        monkeypatch.setattr(load, "SHIPPED", folder)
        return {j["name"]: j["default_model"] for j in client.get("/api/jobs").json()}

    assert set(defaults().values()) == {None}
    got = defaults("chorales", "harmonizer", "folk-vae-2bar", "folk-infill")
    assert (got["harmonize"], got["vary"], got["interpolate"]) == ("chorales", "folk-vae-2bar", "folk-vae-2bar")
    assert got["infill"] == got["restyle"] == "default"  # the piece (or the style) chooses between two shipped
    assert got["accompany"] is None  # the accompanist has not shipped
    assert got["compose"] is got["continue"] is got["originality"] is None  # the compose form's model
    assert defaults("folk-infill")["infill"] is None  # a chorale would need the chorale infiller (harmonizer)


def test_compose_keeps_the_piece_and_its_files(client):
    h = signup(client, "composer")
    run = compose(client, h, key="D minor", meter="3/4", seed=5)
    assert run["status"] == "done", run
    (piece,) = run["result"]["pieces"]
    assert (piece["key"], piece["meter"], piece["bars"]) == ("D minor", "3/4", 2)
    assert piece["settings"]["seed"] == 5 and set(piece["files"]) == {"mid", "json", "score"}
    mid = client.get(f"/api/pieces/{piece['id']}/files/mid", headers=h)
    assert mid.status_code == 200 and mid.content[:4] == b"MThd"
    score = client.get(f"/api/pieces/{piece['id']}/files/score", headers=h).json()
    assert score["format"] == "tunesmith-score" and sum(len(t["notes"]) for t in score["tracks"]) == piece["notes"]
    assert client.get(f"/api/pieces/{piece['id']}/files/wav", headers=h).status_code == 404  # not asked for


def test_a_bad_setting_is_the_librarys_one_line_message(client):
    h = signup(client, "careless")
    r = client.post("/api/jobs/compose", json={"request": {"temperature": 0}}, headers=h)
    assert r.status_code == 422 and "temperature must be in 0.01..100" in r.json()["detail"]
    r = client.post("/api/jobs/compose", json={"model": "../../etc"}, headers=h)
    assert r.status_code == 422 and "unknown model" in r.text
    r = client.post("/api/jobs/compose", json={"request": {"meter": "7/16"}}, headers=h)
    assert r.status_code == 202  # the model's meters are checked in the run: it fails with the reason
    assert events(client, r.json()["events"], h)[-1]["type"] == "failed"
    run = client.get(r.json()["url"], headers=h).json()
    assert run["status"] == "failed" and "no meter 7/16" in run["error"]


def test_streamed_notes_are_the_notes_of_the_piece(client):
    h = signup(client, "listener")
    r = client.post("/api/jobs/compose", json={"request": {"bars": 2, "seed": 11, "meter": "4/4"}, "stream": True,
                                               "formats": []}, headers=h)
    assert r.status_code == 202
    got = events(client, r.json()["events"], h)
    kinds = [e["type"] for e in got]
    assert kinds[0] == "status" and kinds[-1] == "done" and "progress" in kinds
    notes = [e for e in got if e["type"] == "note"]
    assert kinds.index("note") < kinds.index("progress")  # notes come while composing, before the piece is done
    piece = got[-1]["result"]["pieces"][0]
    score = client.get(f"/api/pieces/{piece['id']}/files/score", headers=h).json()
    composed = sorted((v, p, s, d) for v, t in enumerate(score["tracks"]) for p, s, d, _ in t["notes"])
    assert sorted((n["voice"], n["pitch"], n["start"], n["duration"]) for n in notes) == composed


def test_a_run_can_be_cancelled_and_the_next_one_runs(client):
    h = signup(client, "impatient")
    # 512 bars by beam search of 16: minutes of work
    r = client.post("/api/jobs/compose", json={"request": {"bars": 512, "beams": 16}, "formats": []}, headers=h)
    run = r.json()
    with client.stream("GET", run["events"], headers=h) as stream:
        for line in stream.iter_lines():
            if "running" in line:
                break
    assert client.delete(run["url"], headers=h).json()["cancel"] is True
    last = events(client, run["events"], h)[-1]
    assert last["type"] == "cancelled"
    assert client.get(run["url"], headers=h).json()["status"] == "cancelled"
    assert compose(client, h)["status"] == "done"  # a fresh worker took over


def test_continue_an_uploaded_melody(client, tmp_path):
    from tunesmith.io import write
    from tunesmith.score import KeySignature, Score, TimeSignature, Track, note_array

    h = signup(client, "continuer")
    melody = Score(tracks=(Track(note_array([(62 + i % 5, i * 480, 480) for i in range(8)])),),
                   time_signatures=(TimeSignature(0, 4, 4),), key_signatures=(KeySignature(0, 2, "major"),))
    write(melody, tmp_path / "tune.mid")
    up = client.post("/api/pieces", files={"file": ("my tune.mid", (tmp_path / "tune.mid").read_bytes())},
                     headers=h)
    assert up.status_code == 201, up.text
    assert up.json()["title"] == "my tune" and up.json()["notes"] == 8 and up.json()["kept"]
    r = client.post("/api/jobs/continue?wait=true", json={"pieces": [up.json()["id"]], "model": "folk",
                                                           "request": {"bars": 2}, "formats": ["mid"]}, headers=h)
    run = r.json()
    assert run["status"] == "done", run
    (piece,) = run["result"]["pieces"]
    assert piece["title"].startswith("my tune, continued") and piece["bars"] == 4 and piece["origin"] == "continue"


def test_originality_and_evaluate_runs(client):
    h = signup(client, "critic")
    ids = [compose(client, h, seed=s)["result"]["pieces"][0]["id"] for s in (1, 2)]
    r = client.post("/api/jobs/originality?wait=true", json={"pieces": ids}, headers=h).json()
    assert r["status"] == "done" and [row["piece"] for row in r["result"]["rows"]] == ids
    r = client.post("/api/jobs/evaluate?wait=true", json={"pieces": ids, "reference": "chorales:train"},
                    headers=h).json()
    assert r["status"] == "done", r
    assert r["result"]["summary"]["n_generated"] == 2
    report = client.get(r["result"]["files"]["report.md"], headers=h)
    assert report.status_code == 200 and report.text.startswith("# Evaluation")
    assert client.get(f"/api/runs/{r['id']}/files/../../../etc/passwd", headers=h).status_code == 404
    r = client.post("/api/jobs/evaluate", json={"pieces": ids, "reference": "/etc:train"}, headers=h)
    assert r.status_code == 422


def test_analyze_a_composed_chorale(client):
    h = signup(client, "analyst")
    pid = compose(client, h, bars=4, key="G major", meter="4/4")["result"]["pieces"][0]["id"]
    r = client.post("/api/jobs/analyze?wait=true", json={"pieces": [pid]}, headers=h).json()
    assert r["status"] == "done", r
    result = r["result"]
    assert "G major" in result["text"]
    names = set(result["files"])
    assert {".txt", ".json", ".rntxt", ".svg"} <= {n[n.rindex("."):] for n in names}
    svg = next(url for name, url in result["files"].items() if name.endswith(".svg"))
    assert client.get(svg, headers=h).text.lstrip().startswith(("<?xml", "<svg"))


def test_check_and_explain(client):
    h = signup(client, "student")
    pid = compose(client, h, bars=4, key="C major", meter="4/4", seed=2)["result"]["pieces"][0]["id"]
    r = client.post("/api/jobs/check?wait=true", json={"pieces": [pid], "rules": "parallels"}, headers=h).json()
    assert r["status"] == "done", r
    assert r["result"]["faults"] >= 0 and "parallels" in r["result"]["text"]
    assert any(name.endswith(".svg") for name in r["result"]["files"])
    # the text ends with the files by name, each a download of the run; no path of the server
    tail = dict(line.split(": ", 1) for line in r["result"]["text"].splitlines()[-2:])
    assert set(tail) == {"musicxml", "svg"} and set(tail.values()) == set(r["result"]["files"])
    assert not server_paths(r["result"])
    assert client.get(r["result"]["files"][tail["svg"]], headers=h).text.lstrip().startswith(("<?xml", "<svg"))
    r = client.post("/api/jobs/explain?wait=true", json={"query": "parallel fifths"}, headers=h).json()
    assert r["result"]["text"].startswith("Parallel fifths  (voice-leading/parallel-fifths)")
    r = client.post("/api/jobs/check", json={"pieces": [pid], "rules": "jazz"}, headers=h)
    assert r.status_code == 422



def test_vary_and_interpolate_results_are_files_of_the_run(client, debug_vae, tmp_path):
    """The latent jobs' MIDI files, piano rolls and report are the run's files, downloaded by name, and their result
    names no server path (the pieces read by library id, the model by name). The API takes shipped models only, so
    the job runs here on the debug VAE (as its worker would) and its result is stored as the runner stores it."""
    import uuid

    from tests.latent.test_jobs import tune
    from tunesmith.library import runs
    from tunesmith.web.jobs import get
    from tunesmith.web.runner import LocalRun

    h = signup(client, "latent")
    user = client.get("/api/me", headers=h).json()["id"]
    st = client.app.state.studio
    a = tune(tmp_path / "a.mid", [60, 62, 64, 65, 67, 69, 71, 72])
    b = tune(tmp_path / "b.mid", [72, 71, 69, 67, 65, 64, 62, 60])
    model = str(debug_vae[0])
    jobs = [("vary", {"pieces": [7], "model": model, "amount": 0.5, "n": 2, "attribute": None, "strength": 1.0,
                      "bars": None}, [a], "variations", {"piece": 7}),
            ("interpolate", {"pieces": [7, 8], "model": model, "steps": 3, "bars": None}, [a, b], "interpolation",
             {"a": 7, "b": 8})]
    for job, params, inputs, stem, read in jobs:
        run_id = uuid.uuid4().hex
        with st.db.session.begin() as s:
            runs.create_run(s, run_id, user, job, params)
        run = LocalRun(run_id, user, job, params, [str(p) for p in inputs], st.store.run_folder(user, run_id))
        st.store.run_finished(run, "done", get(job).run(params, inputs, run.out_dir, lambda event: None), None)
        shown = client.get(f"/api/runs/{run_id}", headers=h).json()
        result = shown["result"]
        assert shown["status"] == "done" and not server_paths(result), server_paths(result)
        mids = [f"{stem}-{i}.mid" for i in range(3)]
        assert list(result["files"]) == [*mids, f"{stem}.png", f"{stem}.json"]
        assert [p["file"] for p in result["pieces"]] == mids and result["model"] == {"name": debug_vae[0].name}
        assert (result["picture"], result["report"]) == (f"{stem}.png", f"{stem}.json")
        assert {k: result[k] for k in ("piece", "a", "b") if k in result} == read
        for name, url in result["files"].items():
            got = client.get(url, headers=h)
            assert got.status_code == 200, name
            magic = {".mid": b"MThd", ".png": b"\x89PNG"}.get(Path(name).suffix)
            assert got.content.startswith(magic) if magic else got.json()["job"] == job
        assert client.get(result["files"][f"{stem}.png"], headers=signup(client, f"not-{job}")).status_code == 404


def test_vary_on_the_default_model_shows_no_server_path(client):
    """Through the endpoint, with vary's own model, on a folk tune: a result of files where the VAE has shipped,
    else the reason it failed; neither names a path of the server, nor does its report (the studio's copy)."""
    h = signup(client, "varier")
    body = {"model": "folk", "request": {"bars": 2, "meter": "4/4"}, "formats": ["mid"]}
    pid = client.post("/api/jobs/compose?wait=true", json=body, headers=h).json()["result"]["pieces"][0]["id"]
    run = client.post("/api/jobs/vary?wait=true", json={"pieces": [pid], "n": 1}, headers=h).json()
    assert run["status"] in ("done", "failed") and not server_paths(run), server_paths(run)
    if run["status"] == "done":
        assert set(run["result"]["files"]) == {"variations-0.mid", "variations-1.mid", "variations.png",
                                               "variations.json"}
        report = client.get(run["result"]["files"]["variations.json"], headers=h).json()
        assert not server_paths(report), server_paths(report)
        assert (report["piece"], report["pieces"][0]["file"], report["picture"]) == (
            f"piece:{pid}", "variations-0.mid", "variations.png")
        assert report["model"] == {"name": "folk-vae-2bar", "path": "folk-vae-2bar"}


def test_a_model_of_a_kind_the_job_does_not_take_is_refused_with_its_reason(client, tmp_path, monkeypatch):
    """/api/models says each model's kind; /api/jobs lists for each job the models it takes; a request naming
    another is a 422 with a one-line reason, before any run starts (here on the models shipped soon)."""
    from tests.web.test_kinds import SHIPPED, config
    from tunesmith.generation import load

    h = signup(client, "kinds")
    assert {"kind", "family", "tasks", "rl_tuned"} <= set(client.get("/api/models").json()[0])
    for name, cfg in SHIPPED.items():
        if cfg:
            (tmp_path / name).mkdir()
            (tmp_path / name / "config.json").write_text(json.dumps(cfg))
    monkeypatch.setattr(load, "SHIPPED", tmp_path)
    kinds = {m["name"]: m["kind"] for m in client.get("/api/models").json()}
    assert (kinds["harmonizer"], kinds["folk-vae-2bar"], kinds["folk-rl"]) == ("conditional", "latent", "sequence")
    jobs = {j["name"]: j for j in client.get("/api/jobs").json()}
    assert jobs["compose"]["models"] == ["chorales", "folk", "folk-rl"]
    assert jobs["accompany"]["models"] == ["accompanist"]
    r = client.post("/api/jobs/compose", json={"model": "harmonizer"}, headers=h)
    assert r.status_code == 422 and r.json()["detail"].startswith("harmonizer is a conditional model (seq2seq")
    assert "\n" not in r.json()["detail"] and r.json()["detail"].endswith("; compose takes a sequence model")
    r = client.post("/api/jobs/vary", json={"pieces": [1], "model": "chorales"}, headers=h)
    assert r.status_code == 422 and r.json()["detail"].endswith("; vary takes a latent model (a VAE)")
    r = client.post("/api/jobs/restyle", json={"pieces": [1], "model": "chorales", "to": "irish"}, headers=h)
    assert r.status_code == 422 and "restyle takes" in r.json()["detail"]
    # of the kind it takes: on to the next check (the piece is not in this user's library)
    r = client.post("/api/jobs/restyle", json={"pieces": [10**6], "model": "chorales", "to": "bach"}, headers=h)
    assert r.status_code == 404
    (tmp_path / "not-a-model").mkdir()
    (tmp_path / "not-a-model" / "config.json").write_text(json.dumps(config("mamba")))
    r = client.post("/api/jobs/compose", json={"model": "not-a-model"}, headers=h)
    assert r.status_code == 422 and "not-a-model is a model of unknown" in r.json()["detail"]


def test_nothing_a_run_serves_names_a_server_path(client, tmp_path):
    """A composition, a continuation of an upload and a failed evaluation through the API; every file of each run
    (the runs API) and of each piece (the pieces API) downloaded: none names the run's folder, the studio's files
    folder, the repository or the home directory. The reports name the files by their names in the run, the model
    by its name and the piece read by its library item."""
    from tunesmith.io import write
    from tunesmith.score import KeySignature, Score, TimeSignature, Track, note_array

    h = signup(client, "private")
    user = client.get("/api/me", headers=h).json()["id"]
    st = client.app.state.studio
    secret = {str(st.settings.files), str(st.settings.files.resolve()), str(Path(__file__).resolve().parents[2]),
              str(Path.home())}

    def downloads(run_id: str, pieces) -> dict[str, bytes]:
        folder = st.store.run_folder(user, run_id)
        got = {}
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            r = client.get(f"/api/runs/{run_id}/files/{path.relative_to(folder)}", headers=h)
            assert r.status_code == 200, path
            got[path.name] = r.content
        for piece in pieces:
            for kind in piece["files"]:
                r = client.get(f"/api/pieces/{piece['id']}/files/{kind}", headers=h)
                assert r.status_code == 200, kind
                got[f"piece {piece['id']} {kind}"] = r.content
        for name, content in got.items():
            assert not [s for s in secret | {str(folder)} if s.encode() in content], name
            if name.endswith(("json", " score")):
                assert not server_paths(json.loads(content)), (name, server_paths(json.loads(content)))
        return got

    body = {"request": {"bars": 2, "seed": 3}, "formats": ["mid", "musicxml", "svg", "png"]}
    run = client.post("/api/jobs/compose?wait=true", json=body, headers=h).json()
    assert run["status"] == "done", run
    got = downloads(run["id"], run["result"]["pieces"])
    report = json.loads(got["chorales-3.json"])
    assert report["files"] == {"mid": "chorales-3.mid", "musicxml": "chorales-3.musicxml", "svg": "chorales-3.svg",
                               "png": "chorales-3.png"}
    assert report["model"] == {"name": "chorales", "path": "chorales"}
    assert json.loads(got[f"piece {run['result']['pieces'][0]['id']} json"]) == report

    tune = Score(tracks=(Track(note_array([(62 + i % 5, i * 480, 480) for i in range(8)])),),
                 time_signatures=(TimeSignature(0, 4, 4),), key_signatures=(KeySignature(0, 2, "major"),))
    write(tune, tmp_path / "tune.mid")
    up = client.post("/api/pieces", files={"file": ("tune.mid", (tmp_path / "tune.mid").read_bytes())}, headers=h)
    score = client.get(f"/api/pieces/{up.json()['id']}/files/score", headers=h).json()
    assert score["metadata"]["source"] == "original.mid"  # the upload's name, not where the server keeps it
    body = {"pieces": [up.json()["id"]], "model": "folk", "request": {"bars": 1}, "formats": ["mid"]}
    run = client.post("/api/jobs/continue?wait=true", json=body, headers=h).json()
    assert run["status"] == "done", run
    got = downloads(run["id"], run["result"]["pieces"])
    report = json.loads(next(v for k, v in got.items() if k.endswith("-continued-0.json")))
    assert report["primer"]["path"] == f"piece:{up.json()['id']}"

    ids = [p["id"] for p in run["result"]["pieces"]]
    run = client.post("/api/jobs/evaluate?wait=true", json={"pieces": ids, "reference": "essen:valid"}, headers=h)
    run = run.json()
    assert run["status"] == "failed" and "essen: not prepared" in run["error"] and not server_paths(run), run
