"""`POST /api/jobs/originality`: the longest melody run each piece shares with a model's training set
(tunesmith.evaluation.corpus_index.check against the model's shipped index)."""

from __future__ import annotations

from pydantic import Field

from tunesmith.web.jobs import JobSpec
from tunesmith.web.jobs.params import Model, Params, PieceIds


class OriginalityParams(Params):
    pieces: PieceIds = Field(min_length=1, max_length=100)
    model: Model = "default"


def run(params: dict, inputs, out_dir, emit) -> dict:
    from tunesmith.evaluation.corpus_index import check, model_index
    from tunesmith.generation.load import resolve
    from tunesmith.io import read

    index = model_index(resolve(params["model"]))
    rows = []
    for i, (piece, path) in enumerate(zip(params["pieces"], inputs)):
        rows.append({"piece": piece, **check(read(path), index)})
        emit({"type": "progress", "done": i + 1, "total": len(inputs)})
    return {"index": index.source, "rows": rows}


SPEC = JobSpec("originality", "Originality", "How much of each piece's melody is already in a model's "
               "training set.", OriginalityParams, run, inputs=(1, 100), total=lambda p: len(p["pieces"]))
