"""`POST /api/jobs/restyle`: tunesmith.generation.given_jobs.restyle_files on a piece of the library."""

from __future__ import annotations

from pydantic import Field

from tunesmith.generation.given_jobs import HARMONIZER, INFILLER
from tunesmith.web.jobs import JobSpec
from tunesmith.web.jobs.kinds import FOLK, HARMONIZERS
from tunesmith.web.jobs.params import ComposeSettings, PieceIds


class RestyleParams(ComposeSettings):
    pieces: PieceIds = Field(min_length=1, max_length=1, description="the piece whose melody is restyled")
    to: str = Field(description="bach, or a folk style: irish, scottish, folk, european, american, chinese",
                    min_length=1, max_length=20)
    accompaniment: bool = Field(True, description="a folk tune with the accompanist's chords and bass")
    track: int | None = Field(None, ge=1, description="which track is the melody (1 = the first)")


def run(params: dict, inputs, out_dir, emit) -> dict:
    from tunesmith.generation.given_jobs import restyle_files
    from tunesmith.generation.request import Request

    track = None if params["track"] is None else params["track"] - 1
    report = restyle_files(inputs[0], params["to"], Request(**params["request"]), out_dir, params["model"],
                           "default" if params["accompaniment"] else None, track, params["formats"])
    return {"pieces": [report]}


def title(report: dict, inputs: list[str]) -> str:
    return f"{inputs[0]}, as {report['to']} (seed {report['seed']})"


SPEC = JobSpec("restyle", "Restyle", "Keep a piece's melody and phrases and render it in another style.",
               RestyleParams, run, inputs=(1, 1), makes_pieces=True, models=(HARMONIZER, INFILLER),
               takes=HARMONIZERS + FOLK, takes_for=lambda p: HARMONIZERS if p.get("to") == "bach" else FOLK,
               title_of=title)
