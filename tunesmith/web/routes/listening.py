"""The blind listening test: a real excerpt and a composed one of the same style, key, metre and length, in
random order, played alike (same tempo, same loudness, the studio's same synthesizer); the listener says
which is the machine's and how much they liked each. `tunesmith listening-report` reads the answers."""

from __future__ import annotations

import secrets

from fastapi import APIRouter, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from tunesmith.library import trials
from tunesmith.recommend.settings import FOLK_STYLES
from tunesmith.web.auth import CurrentUser, studio
from tunesmith.web.routes.runs import submit

router = APIRouter(prefix="/api/listening", tags=["listening test"])
BARS = 4  # the length of an excerpt
MODELS = {"bach": "chorales", **{s: "folk" for s in FOLK_STYLES}}


class TrialRequest(BaseModel):
    style: str | None = Field(None, description="bach or a folk style; default: any the corpora have")


class Answer(BaseModel):
    guess: str = Field(pattern="^[ab]$", description="the excerpt you think the machine wrote")
    like_a: int = Field(ge=1, le=5)
    like_b: int = Field(ge=1, le=5)


def _styles(catalog) -> list[str]:
    return sorted({t.get("style") for t in catalog.tags} & set(MODELS))


@router.get("/styles", summary="The styles a trial can be of")
def styles(request: Request, user: CurrentUser) -> dict:
    catalog = studio(request).catalog
    return {"styles": _styles(catalog), "note": catalog.note}


def _excerpt(score):
    """The first BARS bars, at one loudness: nothing but the notes and their timing tells them apart."""
    from tunesmith.score.transforms import slice_bars

    part = slice_bars(score, 0, BARS)
    return part.replace(tracks=tuple(t.replace(notes=_loudness(t.notes)) for t in part.tracks))


def _loudness(notes):
    notes = notes.copy()
    notes["velocity"] = 80
    return notes


@router.post("/trials", status_code=201, summary="A new trial: two excerpts, one real and one composed")
async def new_trial(body: TrialRequest, request: Request, user: CurrentUser) -> dict:
    from tunesmith.io.json import from_dict, to_dict
    from tunesmith.score.model import Tempo

    st = studio(request)
    catalog = st.catalog
    available = _styles(catalog)
    if not available:
        raise HTTPException(409, f"no real music to compare with: {catalog.note}")
    style = body.style or available[secrets.randbelow(len(available))]
    if style not in available:
        raise HTTPException(422, f"no pieces of style {style!r}; valid: {', '.join(available)}")
    members = [i for i, t in enumerate(catalog.tags) if t.get("style") == style]
    item = catalog.ids[members[secrets.randbelow(len(members))]]
    real = _excerpt(await run_in_threadpool(st.corpus_score, item))
    meter = f"{real.time_signatures[0].numerator}/{real.time_signatures[0].denominator}"
    key = real.key_signatures[0].name if real.key_signatures else None
    model = MODELS[style]
    params = {"model": model, "request": {"style": style if model == "folk" else None, "key": key,
                                          "meter": meter, "bars": BARS, "seed": secrets.randbelow(2**32)}}
    from tunesmith.web.jobs import get

    run = await run_in_threadpool(submit, request, get("excerpt"), params, user)
    while not run.finished:
        await run.wait(len(run.events), 15)
    end = run.events[-1]
    if end["type"] != "done":
        raise HTTPException(503, f"composing the excerpt failed: {end.get('error')}")
    machine = from_dict(end["result"]["score"])
    machine = _excerpt(machine).replace(tempos=real.tempos[:1] or (Tempo(0, 100.0),))
    side = "ab"[secrets.randbelow(2)]
    excerpts = {side: to_dict(machine), "ba"[side == "b"]: to_dict(real)}

    def store():
        with st.db.session.begin() as s:
            return trials.add_trial(s, user.id, style, model, item, side, excerpts).id

    trial_id = await run_in_threadpool(store)
    return {"id": trial_id, "style": style, "a": excerpts["a"], "b": excerpts["b"]}


@router.post("/trials/{trial_id}/answer", summary="Answer a trial; the answer reveals which was the machine")
def answer(trial_id: int, body: Answer, request: Request, user: CurrentUser) -> dict:
    with studio(request).db.session.begin() as s:
        trial = trials.answer(s, user.id, trial_id, body.guess, body.like_a, body.like_b)
        if trial is None:
            raise HTTPException(404, f"no trial {trial_id}")
        return {"id": trial.id, "machine": trial.machine, "correct": trial.guess == trial.machine,
                "real": trial.real_item}


@router.get("/report", summary="Per model: how often listeners told the machine, with a 95% interval")
def report(request: Request, user: CurrentUser) -> dict:
    with studio(request).db.session() as s:
        return {"models": trials.report(s)}
