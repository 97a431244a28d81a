"""`POST /api/jobs/check`: tunesmith.assistant.check.check on a piece of the library: each part-writing fault
with bar, beat, voices, why (with its knowledge-tree node) and a fix, and the score with the faults marked."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from tunesmith.web.jobs import JobSpec
from tunesmith.web.jobs.params import Params, PieceIds


class CheckParams(Params):
    pieces: PieceIds = Field(min_length=1, max_length=1, description="the exercise to check")
    rules: Literal["chorale", "species", "parallels"] = Field("chorale", description="chorale: four-part "
                                                              "writing; species: first-species counterpoint; "
                                                              "parallels: fifths and octaves only")


def run(params: dict, inputs, out_dir, emit) -> dict:
    from pathlib import Path

    from tunesmith.assistant.check import check, feedback_text

    feedback = check(inputs[0], params["rules"], out_dir)  # outputs: format -> the path written
    # the text names the files, not where the server keeps them; "files" become the run's download links
    named = feedback._replace(outputs={fmt: Path(p).name for fmt, p in feedback.outputs.items()})
    return {"text": feedback_text(named), "faults": len(feedback.items),
            "files": {Path(p).name: str(p) for p in feedback.outputs.values()}}


SPEC = JobSpec("check", "Check", "Check part-writing: each fault with where, why and a fix, marked on the score.",
               CheckParams, run, inputs=(1, 1))
