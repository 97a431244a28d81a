"""Jobs and their runs: `POST /api/jobs/<job>` (one endpoint per job of the registry), a run's state, its
events as server-sent events (progress, streamed notes, the end), cancelling, and its files.

No `from __future__ import annotations` here: each job's endpoint is made with its parameter model as the
body's annotation, which FastAPI must see as a class, not a string.
"""

import json
import uuid
from pathlib import Path

from fastapi import APIRouter, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, JSONResponse, StreamingResponse

from tunesmith.library import pieces as library
from tunesmith.library import runs
from tunesmith.web.auth import CurrentUser, studio
from tunesmith.web.jobs import registry
from tunesmith.web.runner import Busy, LocalRun

router = APIRouter(prefix="/api", tags=["jobs"])
KEEPALIVE = 15.0  # seconds between comments on a quiet event stream (proxies close silent connections)


@router.get("/jobs", summary="The jobs this server runs, with their parameters as JSON Schema")
def list_jobs() -> list[dict]:
    return [spec.describe() for spec in registry(listed_only=True).values()]


@router.get("/models", summary="The shipped models: their voices, and the styles, keys and meters they write")
def list_models() -> list[dict]:
    from tunesmith.web.jobs.params import shipped_info

    return shipped_info()


def _inputs(s, user_id: int, ids: list[int], files_root: Path) -> tuple[list[str], list[str]]:
    """Paths of the score files of the user's pieces `ids`, and their titles; 404 for one not theirs."""
    paths, titles = [], []
    for pid in ids:
        piece = library.get_piece(s, user_id, pid)
        path = library.file_path(piece, "score", files_root) if piece is not None else None
        if path is None:
            raise HTTPException(404, f"no piece {pid} in your library")
        paths.append(str(path))
        titles.append(piece.title)
    return paths, titles


def submit(request: Request, spec, params: dict, user) -> LocalRun:
    """Start a run of `spec` for `user` (422 for a model of a kind the job does not take, 404 for an input piece
    not theirs, 429 when the queue is full)."""
    reason = spec.refusal(params)
    if reason:
        raise HTTPException(422, reason)
    st = studio(request)
    run_id = uuid.uuid4().hex
    with st.db.session.begin() as s:
        inputs, titles = _inputs(s, user.id, params.get("pieces", []), st.settings.files)
        runs.create_run(s, run_id, user.id, spec.name, params, spec.total(params))
    run = LocalRun(run_id, user.id, spec.name, params, inputs, st.store.run_folder(user.id, run_id), titles)
    try:
        st.runner.submit(run)
    except Busy:
        with st.db.session.begin() as s:
            runs.set_run(s, run_id, status="failed", error="the queue was full")
        raise HTTPException(429, f"{st.settings.queue_size} runs are waiting already; try again shortly",
                            headers={"Retry-After": "5"}) from None
    return run


def _endpoint(spec):
    async def start(params: spec.params, request: Request, user: CurrentUser, wait: bool = False):
        body = params.model_dump(mode="json")
        run = await run_in_threadpool(submit, request, spec, body, user)
        if not wait:
            return JSONResponse({"run": run.id, "status": "queued", "events": f"/api/runs/{run.id}/events",
                                 "url": f"/api/runs/{run.id}"}, status_code=202)
        while not run.finished:
            await run.wait(len(run.events), KEEPALIVE)
        return await run_in_threadpool(_describe, request, user, run.id)

    start.__name__ = f"start_{spec.name}"
    start.__doc__ = (f"{spec.summary}\n\nStarts a run in the background (202 with its id; `GET "
                     "/api/runs/{id}/events` streams its progress) or, with `?wait=true`, answers when it ends.")
    return start


for _spec in registry(listed_only=True).values():
    router.add_api_route(f"/jobs/{_spec.name}", _endpoint(_spec), methods=["POST"], summary=_spec.title,
                         responses={202: {"description": "the run started"}, 429: {"description": "queue full"}})


def _describe(request: Request, user, run_id: str) -> dict:
    with studio(request).db.session() as s:
        run = runs.get_run(s, user.id, run_id)
        if run is None:
            raise HTTPException(404, f"no run {run_id}")
        return runs.describe(run)


@router.get("/runs/{run_id}", summary="A run's state, progress and result")
def get_run(run_id: str, request: Request, user: CurrentUser) -> dict:
    return _describe(request, user, run_id)


@router.delete("/runs/{run_id}", summary="Cancel a run (its worker is stopped at once)")
def cancel_run(run_id: str, request: Request, user: CurrentUser) -> dict:
    st = studio(request)
    with st.db.session.begin() as s:
        if runs.request_cancel(s, user.id, run_id) is None:
            raise HTTPException(404, f"no run {run_id}")
    local = st.runner.local(run_id)
    if local is not None:  # else the process running it sees the flag within half a second
        st.runner.cancel(local)
    return {"run": run_id, "cancel": True}


@router.get("/runs/{run_id}/events", summary="A run's events as server-sent events",
            response_class=StreamingResponse)
async def run_events(run_id: str, request: Request, user: CurrentUser):
    """Events `status`, `progress` ({done, total}), `note` ({voice, pitch, start, duration} in ticks, 480 per
    quarter note, while composing with `stream`), then one of `done` ({result}), `failed` or `cancelled`
    ({error}). Every event from the start of the run is sent, so a late listener misses nothing."""
    first = await run_in_threadpool(_describe, request, user, run_id)
    local = studio(request).runner.local(run_id)

    async def live():
        seen = 0
        while True:
            await local.wait(seen, KEEPALIVE)
            batch = local.events[seen:]
            if not batch:
                if local.finished:
                    return
                yield ": still working\n\n"
                continue
            for event in batch:
                yield f"event: {event['type']}\ndata: {json.dumps(event)}\n\n"
            seen += len(batch)
            if local.finished and seen >= len(local.events):
                return

    async def polled():  # a run of another server process: its state in the database, twice a second
        import asyncio

        last = None
        while True:
            state = await run_in_threadpool(_describe, request, user, run_id) if last else first
            now = (state["status"], state["done"])
            if now != last:
                kind = state["status"] if state["status"] in runs.FINISHED else "progress"
                yield f"event: {kind}\ndata: {json.dumps({'type': kind, **state})}\n\n"
                last = now
            if state["status"] in runs.FINISHED:
                return
            await asyncio.sleep(0.5)

    stream = live() if local is not None and local.user_id == user.id else polled()
    return StreamingResponse(stream, media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


@router.get("/runs/{run_id}/files/{name:path}", summary="A file a run wrote (e.g. an evaluation's report)")
def run_file(run_id: str, name: str, request: Request, user: CurrentUser):
    st = studio(request)
    state = _describe(request, user, run_id)
    folder = st.store.run_folder(user.id, run_id).resolve()
    path = (folder / name).resolve()
    if state["status"] != "done" or not path.is_relative_to(folder) or not path.is_file():
        raise HTTPException(404, f"no file {name!r} in run {run_id}")
    return FileResponse(path)
