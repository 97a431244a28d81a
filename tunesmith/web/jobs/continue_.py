"""`POST /api/jobs/continue`: tunesmith.generation.job.continue_files on a piece of the library."""

from __future__ import annotations

from pydantic import Field

from tunesmith.web.jobs import JobSpec
from tunesmith.web.jobs.kinds import SEQUENCE
from tunesmith.web.jobs.params import ComposeSettings, PieceIds, loaded


class ContinueParams(ComposeSettings):
    pieces: PieceIds = Field(min_length=1, max_length=1, description="the piece to continue (kept unchanged)")


def run(params: dict, inputs, out_dir, emit) -> dict:
    from tunesmith.generation.job import continue_files
    from tunesmith.generation.request import Request

    request = Request(**params["request"])
    report = continue_files(loaded(params["model"]), inputs[0], request, out_dir, params["formats"])
    return {"pieces": [report]}


def title(report: dict, inputs: list[str]) -> str:
    return f"{inputs[0]}, continued (seed {report['seed']})"


SPEC = JobSpec("continue", "Continue", "Keep a piece as it is and add bars in its key and meter.",
               ContinueParams, run, inputs=(1, 1), makes_pieces=True, takes=SEQUENCE, title_of=title)
