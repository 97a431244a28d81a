"""`POST /api/jobs/analyze`: tunesmith.assistant.analyze.analyze on a piece of the library (keys, Roman numerals,
cadences, phrases, non-chord tones, voice-leading faults), with its report, JSON, RomanText and the score
with the numerals and the faults marked, as files of the run."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from tunesmith.web.jobs import JobSpec
from tunesmith.web.jobs.params import Params, PieceIds

Format = Literal["text", "json", "rntxt", "musicxml", "svg"]


class AnalyzeParams(Params):
    pieces: PieceIds = Field(min_length=1, max_length=1, description="the piece to analyse")
    formats: list[Format] = Field(default_factory=lambda: ["text", "json", "rntxt", "svg"])


def run(params: dict, inputs, out_dir, emit) -> dict:
    from tunesmith.assistant.analyze import analyze

    formats = list(dict.fromkeys(["text", *params["formats"]]))  # the text report is what the studio shows
    from pathlib import Path

    report = analyze(inputs[0], formats, out_dir)  # outputs: format -> the path written
    files = {Path(p).name: str(p) for p in report.outputs.values()}
    return {"text": Path(report.outputs["text"]).read_text(), "files": files}


SPEC = JobSpec("analyze", "Analyze", "Keys, Roman numerals, cadences, non-chord tones and voice-leading faults, "
               "marked on the score.", AnalyzeParams, run, inputs=(1, 1))
