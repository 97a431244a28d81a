"""`POST /api/jobs/interpolate`: tunesmith.latent.jobs.interpolate_files between two pieces of the library: its MIDI
files, piano rolls and report as files of the run."""

from __future__ import annotations

from pydantic import Field

from tunesmith.latent.jobs import DEFAULT_MODEL, MAX_STEPS
from tunesmith.web.jobs import JobSpec
from tunesmith.web.jobs.kinds import LATENT
from tunesmith.web.jobs.params import Model, Params, PieceIds


class InterpolateParams(Params):
    pieces: PieceIds = Field(min_length=2, max_length=2, description="A and B: one meter, one length")
    model: Model = DEFAULT_MODEL
    steps: int = Field(7, ge=2, le=MAX_STEPS, description="pieces on the path, A and B included")
    bars: int | None = Field(None, ge=1, description="the first N bars of each (a multiple of the model's span)")


def run(params: dict, inputs, out_dir, emit) -> dict:
    from tunesmith.latent.jobs import interpolate_files
    from tunesmith.web.jobs.results import latent_result

    model = DEFAULT_MODEL if params["model"] == "default" else params["model"]
    report = interpolate_files(inputs[0], inputs[1], params["steps"], model, out_dir, params["bars"])
    a, b = params["pieces"]
    return latent_result(report, {"a": a, "b": b})


SPEC = JobSpec("interpolate", "Interpolate", "A smooth path of pieces from one piece to another through a VAE's "
               "latent space.", InterpolateParams, run, inputs=(2, 2), models=(DEFAULT_MODEL,),
               takes=LATENT)
