"""`POST /api/jobs/accompany`: tunesmith.generation.given_jobs.accompany_files on a tune of the library."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from tunesmith.generation.given_jobs import ACCOMPANIST
from tunesmith.web.jobs import JobSpec
from tunesmith.web.jobs.kinds import ACCOMPANISTS
from tunesmith.web.jobs.params import ComposeSettings, PieceIds, loaded


class AccompanyParams(ComposeSettings):
    pieces: PieceIds = Field(min_length=1, max_length=1, description="the tune (its top voice unless track)")
    style: Literal["folk", "chorale"] = Field("folk", description="the texture: oom-pah, a jig's bass and chord, "
                                              "block chords")
    track: int | None = Field(None, ge=1, description="which track is the melody (1 = the first)")


def run(params: dict, inputs, out_dir, emit) -> dict:
    from tunesmith.generation.given_jobs import accompany_files
    from tunesmith.generation.request import Request

    model = loaded(ACCOMPANIST if params["model"] == "default" else params["model"])
    track = None if params["track"] is None else params["track"] - 1
    report = accompany_files(model, inputs[0], Request(**params["request"]), out_dir, params["style"], track,
                             params["formats"])
    return {"pieces": [report]}


def title(report: dict, inputs: list[str]) -> str:
    return f"{inputs[0]}, accompanied ({report['style']}, seed {report['seed']})"


SPEC = JobSpec("accompany", "Accompany", "Add chord symbols and a bass and chords track under a tune.",
               AccompanyParams, run, inputs=(1, 1), makes_pieces=True, models=(ACCOMPANIST,),
               takes=ACCOMPANISTS, title_of=title)
