"""`POST /api/jobs/compose`: tunesmith.generation.job.compose_files, optionally streaming each note as it is
decided (tunesmith.generation.compose.stream_notes)."""

from __future__ import annotations

from pydantic import Field

from tunesmith.web.jobs import JobSpec
from tunesmith.web.jobs.kinds import SEQUENCE
from tunesmith.web.jobs.params import ComposeSettings, loaded

MAX_NUMBER = 16  # pieces in one run; a run is one worker's time


class ComposeParams(ComposeSettings):
    number: int = Field(1, ge=1, le=MAX_NUMBER, description="how many pieces (seeds seed, seed+1, ...)")
    stream: bool = Field(False, description="send each note as it is decided (first piece, sampling only)")


def run(params: dict, inputs, out_dir, emit) -> dict:
    from tunesmith.generation.job import compose_files
    from tunesmith.generation.request import Request

    request = Request(**params["request"])
    model = loaded(params["model"])
    if params["stream"] and request.beams == 1:
        # stream_notes and compose draw the same tokens from the same seed (tests/web/test_jobs.py checks
        # that the streamed notes are the piece's notes), so the stream is the piece being decided; the
        # files are then rendered from compose, which costs the decoding a second time
        from tunesmith.generation.compose import stream_notes

        for n in stream_notes(model.model, model.tokenizer, model.request(request)):
            emit({"type": "note", **n._asdict()})
    done = []

    def on_piece(report):
        done.append(report)
        emit({"type": "progress", "done": len(done), "total": params["number"]})

    reports = compose_files(model, request, out_dir, params["number"], params["formats"], on_piece=on_piece)
    return {"pieces": reports}


KINDS = {"chorales": "Chorale", "folk": "Tune"}  # what a shipped model writes, for titles


def title(report: dict, inputs: list[str]) -> str:
    """'Chorale in D minor, 3/4 (seed 7)'."""
    a, s = report["analysis"], report["settings"]
    key = a.get("notated_key") or a.get("estimated_key") or "no key"
    kind = KINDS.get(report["model"]["name"], report["model"]["name"])
    return f"{kind} in {key}, {a['meter']} (seed {s['seed']})"


SPEC = JobSpec("compose", "Compose", "Compose new pieces with a shipped model under your settings.",
               ComposeParams, run, makes_pieces=True, takes=SEQUENCE, total=lambda p: p["number"], title_of=title)
