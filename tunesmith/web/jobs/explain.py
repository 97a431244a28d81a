"""`POST /api/jobs/explain`: tunesmith.assistant.explain.explain, a topic of the music-theory knowledge tree by
keyword, path or match key (fault:hidden_octaves, cadence:PAC), or the nodes a progression leads to."""

from __future__ import annotations

from pydantic import Field

from tunesmith.web.jobs import JobSpec
from tunesmith.web.jobs.params import Params


class ExplainParams(Params):
    query: str = Field("", max_length=200, description='words, a node path or a match key, e.g. "parallel fifths"')
    progression: str = Field("", max_length=200, description='numerals, e.g. "IV I6/4 V7 I"')


def run(params: dict, inputs, out_dir, emit) -> dict:
    from tunesmith.assistant.explain import explain

    return {"text": explain(params["query"], params["progression"])}


SPEC = JobSpec("explain", "Explain", "Look a music-theory topic up in the knowledge tree.", ExplainParams, run)
