"""The listening test's machine excerpt: tunesmith.generation.compose.compose with the real excerpt's model,
style, key, meter and length. Not listed and no endpoint of its own: the listening test runs it."""

from __future__ import annotations

from tunesmith.web.jobs import JobSpec
from tunesmith.web.jobs.kinds import SEQUENCE
from tunesmith.web.jobs.params import Model, Params


class ExcerptParams(Params):
    model: Model = "default"
    request: dict


def run(params: dict, inputs, out_dir, emit) -> dict:
    from tunesmith.generation.compose import compose
    from tunesmith.generation.request import Request
    from tunesmith.io.json import to_dict
    from tunesmith.web.jobs.params import loaded

    model = loaded(params["model"])
    score, _ = compose(model.model, model.tokenizer, model.request(Request(**params["request"])),
                       model.default_programs)
    return {"score": to_dict(score)}


SPEC = JobSpec("excerpt", "Listening excerpt", "A composed excerpt to match a real one.", ExcerptParams, run,
               takes=SEQUENCE, listed=False)
