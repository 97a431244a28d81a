"""`POST /api/jobs/evaluate`: library pieces against a prepared corpus split, metric by metric, with the report
and plots of `tunesmith evaluate --out` (tunesmith.evaluation.compare and report)."""

from __future__ import annotations

from pydantic import Field

from tunesmith.web.jobs import JobSpec
from tunesmith.web.jobs.params import Params, PieceIds


class EvaluateParams(Params):
    pieces: PieceIds = Field(min_length=1, max_length=500)
    # a corpus split only: a folder or file name would read anything on the server
    reference: str = Field("chorales:valid", pattern=r"^[a-z0-9,]+:(train|valid|test)$",
                           description="a prepared corpus split, CORPUS:SPLIT")


def run(params: dict, inputs, out_dir, emit) -> dict:
    import json

    from tunesmith.evaluation.compare import compare
    from tunesmith.evaluation.report import load_set, write_report
    from tunesmith.io import read

    reference = load_set(params["reference"])
    emit({"type": "progress", "done": 1, "total": 3})
    comparison = compare([read(p) for p in inputs], reference)
    emit({"type": "progress", "done": 2, "total": 3})
    report = write_report(comparison, out_dir, "your pieces", params["reference"])
    files = {p.relative_to(out_dir).as_posix(): str(p) for p in sorted(out_dir.rglob("*")) if p.is_file()}
    return {"summary": json.loads((out_dir / "summary.json").read_text()), "report": report.name, "files": files}


SPEC = JobSpec("evaluate", "Evaluate", "Compare your pieces with real music, metric by metric.",
               EvaluateParams, run, inputs=(1, 500), total=lambda p: 3)
