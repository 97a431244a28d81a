"""`POST /api/jobs/vary`: tunesmith.latent.jobs.vary_files on a piece of the library: its MIDI files, piano rolls
and report as files of the run."""

from __future__ import annotations

from pydantic import Field

from tunesmith.latent.jobs import DEFAULT_MODEL, MAX_PIECES
from tunesmith.web.jobs import JobSpec
from tunesmith.web.jobs.kinds import LATENT
from tunesmith.web.jobs.params import Model, Params, PieceIds


class VaryParams(Params):
    pieces: PieceIds = Field(min_length=1, max_length=1)
    model: Model = DEFAULT_MODEL
    amount: float = Field(0.3, ge=0, le=10, description="noise in prior units: 0.3 stays near, 1 wanders")
    n: int = Field(4, ge=1, le=MAX_PIECES)
    attribute: str | None = Field(None, description="an attribute vector to add: denser, higher, irish, ...")
    strength: float = Field(1.0, ge=-10, le=10)
    bars: int | None = Field(None, ge=1)


def run(params: dict, inputs, out_dir, emit) -> dict:
    from tunesmith.latent.jobs import vary_files
    from tunesmith.web.jobs.results import latent_result

    model = DEFAULT_MODEL if params["model"] == "default" else params["model"]
    report = vary_files(inputs[0], params["amount"], params["n"], model, out_dir, params["bars"],
                        params["attribute"], params["strength"])
    return latent_result(report, {"piece": params["pieces"][0]})


SPEC = JobSpec("vary", "Vary", "Variations near a piece, or toward an attribute, through a VAE's latent space.",
               VaryParams, run, inputs=(1, 1), models=(DEFAULT_MODEL,), takes=LATENT)
