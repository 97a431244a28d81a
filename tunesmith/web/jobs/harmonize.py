"""`POST /api/jobs/harmonize`: tunesmith.generation.given_jobs.harmonize_files on a melody of the library."""

from __future__ import annotations

from pydantic import Field

from tunesmith.generation.given_jobs import HARMONIZER
from tunesmith.web.jobs import JobSpec
from tunesmith.web.jobs.kinds import HARMONIZERS
from tunesmith.web.jobs.params import ComposeSettings, PieceIds, loaded


class HarmonizeParams(ComposeSettings):
    pieces: PieceIds = Field(min_length=1, max_length=1, description="the melody (its top voice unless track)")
    track: int | None = Field(None, ge=1, description="which track is the melody (1 = the first)")


def run(params: dict, inputs, out_dir, emit) -> dict:
    from tunesmith.generation.given_jobs import harmonize_files
    from tunesmith.generation.request import Request

    model = loaded(HARMONIZER if params["model"] == "default" else params["model"])
    track = None if params["track"] is None else params["track"] - 1
    report = harmonize_files(model, inputs[0], Request(**params["request"]), out_dir, track, params["formats"])
    return {"pieces": [report]}


def title(report: dict, inputs: list[str]) -> str:
    return f"{inputs[0]}, harmonized (seed {report['seed']})"


SPEC = JobSpec("harmonize", "Harmonize", "Write a four-part chorale under a melody, the melody unchanged.",
               HarmonizeParams, run, inputs=(1, 1), makes_pieces=True, models=(HARMONIZER,),
               takes=HARMONIZERS, title_of=title)
