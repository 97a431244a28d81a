"""`POST /api/jobs/infill`: tunesmith.generation.given_jobs.infill_files on a piece of the library."""

from __future__ import annotations

from pydantic import Field

from tunesmith.generation.given_jobs import CHORALE_INFILLER, INFILLER
from tunesmith.web.jobs import JobSpec
from tunesmith.web.jobs.kinds import INFILLERS
from tunesmith.web.jobs.params import ComposeSettings, PieceIds, loaded


class InfillParams(ComposeSettings):
    pieces: PieceIds = Field(min_length=1, max_length=1, description="the piece whose bars are written again")
    bars: str = Field(description="FIRST-LAST as the score numbers them (a pickup is bar 0), e.g. 5-6",
                      min_length=1, max_length=20)
    voices: str | None = Field(None, max_length=100, description="voices to write again, e.g. alto,tenor (all)")


def run(params: dict, inputs, out_dir, emit) -> dict:
    from tunesmith.generation.given_jobs import infill_files
    from tunesmith.generation.request import Request

    model = params["model"] if params["model"] == "default" else loaded(params["model"])
    report = infill_files(model, inputs[0], params["bars"], Request(**params["request"]), out_dir, params["voices"],
                          params["formats"])
    return {"pieces": [report]}


def title(report: dict, inputs: list[str]) -> str:
    first, last = report["span"]["bars"]
    return f"{inputs[0]}, bars {first}-{last} written again (seed {report['seed']})"


SPEC = JobSpec("infill", "Infill", "Write chosen bars of a piece again so that they join both sides.",
               InfillParams, run, inputs=(1, 1), makes_pieces=True, models=(INFILLER, CHORALE_INFILLER),
               takes=INFILLERS, title_of=title)
