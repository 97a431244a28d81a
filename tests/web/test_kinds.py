"""Which models each job takes: a model's kind read from its config.json, each job's form listing only the
shipped models of the kinds its library function accepts, and a one-line reason for any other."""

import json

import pytest

from tunesmith.generation import load


def config(family: str = "transformer", voices: int = 4, task: dict | None = None, **more) -> dict:
    """A shipped model's config.json: the chorale model's, of another family, voices or training task."""
    base = json.loads((load.SHIPPED / "chorales" / "config.json").read_text())
    tokenizer = {**base["tokenizer"], "config": {**base["tokenizer"]["config"], "voices": voices}}
    data = {**base["data"], **({"task": task} if task else {})}
    return {**base, "model": {**base["model"], "name": family}, "tokenizer": tokenizer, "data": data, **more}


# what is shipped now, or soon (another process trains them): sequence, conditional, latent and RL-tuned models
SHIPPED = {
    "chorales": config(),
    "folk": config(voices=1),
    "folk-rl": config(voices=1, tuning={"method": "RL Tuner", "base": "folk"}),
    "harmonizer": config("seq2seq", task={"mix": {"harmonize": 0.5, "infill": 0.35, "infill-left": 0.15}}),
    "folk-infill": config("seq2seq", voices=1, task={"mix": {"infill": 0.75, "infill-left": 0.25}}),
    "accompanist": config("seq2seq", voices=1, task={"task": "accompany", "chords": "leadsheet.FAMILIES"}),
    "folk-vae-2bar": config("vae", voices=1),
    "folk-gan-4bar": config("gan", voices=1),
    "half-shipped": None,  # its config.json being written: listed, of no kind a job takes
}


@pytest.fixture
def shipped(tmp_path, monkeypatch):
    for name, cfg in SHIPPED.items():
        (tmp_path / name).mkdir()
        (tmp_path / name / "config.json").write_text(json.dumps(cfg) if cfg else '{"model": ')
    monkeypatch.setattr(load, "SHIPPED", tmp_path)
    return tmp_path


def test_a_models_kind_is_its_familys_contract():
    from tunesmith.web.jobs.kinds import kind_of

    assert kind_of(config()) == {"kind": "sequence", "family": "transformer", "tasks": [], "rl_tuned": False}
    assert kind_of(SHIPPED["folk-rl"])["kind"] == "sequence" and kind_of(SHIPPED["folk-rl"])["rl_tuned"]
    assert kind_of(SHIPPED["harmonizer"])["tasks"] == ["harmonize", "infill", "infill-left"]
    assert kind_of(SHIPPED["accompanist"])["tasks"] == ["accompany"]
    assert [kind_of(SHIPPED[n])["kind"] for n in ("harmonizer", "folk-vae-2bar", "folk-gan-4bar")] == [
        "conditional", "latent", "excerpts"]
    assert kind_of(config("mamba"))["kind"] == kind_of({})["kind"] == "unknown"


def test_each_job_lists_the_models_of_the_kinds_it_takes(shipped):
    from tunesmith.web.jobs import registry
    from tunesmith.web.jobs.params import shipped_info

    info = {m["name"]: m for m in shipped_info()}
    assert info["half-shipped"]["kind"] == "unknown" and info["folk-rl"]["voices"] == 1
    models = {name: spec.describe()["models"] for name, spec in registry().items()}
    assert models["compose"] == models["continue"] == models["excerpt"] == ["chorales", "folk", "folk-rl"]
    assert models["harmonize"] == ["chorales", "harmonizer"]  # voice-grid chorale models, as harmonize accepts
    assert models["infill"] == ["chorales", "folk", "folk-infill", "folk-rl", "harmonizer"]
    assert models["accompany"] == ["accompanist"]
    assert models["restyle"] == ["chorales", "folk", "folk-infill", "folk-rl", "harmonizer"]  # bach, or a folk style
    assert models["vary"] == models["interpolate"] == ["folk-vae-2bar"]
    assert models["originality"] == sorted(SHIPPED)  # any model with its training data
    assert models["analyze"] is None  # takes no model
    assert registry()["harmonize"].describe()["takes"] == [
        "a conditional model of 2 voices or more trained to harmonize", "a sequence model of 2 voices or more"]


@pytest.mark.parametrize("job, params, fits", [
    ("compose", {"model": "folk-rl"}, True),
    ("compose", {"model": "harmonizer"}, False),
    ("compose", {"model": "folk-vae-2bar"}, False),
    ("compose", {"model": "default"}, True),  # the job's own model
    ("continue", {"model": "accompanist"}, False),
    ("harmonize", {"model": "chorales"}, True),
    ("harmonize", {"model": "folk-infill"}, False),
    ("infill", {"model": "folk-infill"}, True),
    ("infill", {"model": "accompanist"}, False),
    ("accompany", {"model": "harmonizer"}, False),
    ("restyle", {"model": "chorales", "to": "bach"}, True),
    ("restyle", {"model": "chorales", "to": "irish"}, False),
    ("restyle", {"model": "folk-infill", "to": "irish"}, True),
    ("vary", {"model": "folk-gan-4bar"}, False),
    ("interpolate", {"model": "folk-vae-2bar"}, True),
    ("originality", {"model": "folk-vae-2bar"}, True),
])
def test_a_model_of_another_kind_is_refused_in_one_line(shipped, job, params, fits):
    from tunesmith.web.jobs import get

    reason = get(job).refusal(params)
    assert (reason is None) == fits, reason
    if not fits:
        assert "\n" not in reason and reason.startswith(f"{params['model']} is a") and f"; {job} takes " in reason


def test_the_reason_names_both_kinds(shipped):
    from tunesmith.web.jobs import get

    assert get("compose").refusal({"model": "harmonizer"}) == (
        "harmonizer is a conditional model (seq2seq, 4 voices) trained to harmonize, infill, infill-left; compose "
        "takes a sequence model")
    assert get("vary").refusal({"model": "folk-rl"}) == (
        "folk-rl is a sequence model (transformer, 1 voice, RL-tuned); vary takes a latent model (a VAE)")
