"""The jobs the studio offers, one module each: a `JobSpec` saying what a job takes (its parameters as a
pydantic model, documented at /docs, and how many library pieces it reads) and `run`, which calls the one
library function of the job inside a job worker process and returns its result.

A new library job (harmonize, analyze, ...) joins the studio with one module here defining `SPEC` and its
name in `JOBS`: it gets its endpoint `POST /api/jobs/<name>`, background runs with progress and cancelling,
downloads of its files, its pieces in the library, and a form in the studio built from its parameters.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tunesmith.errors import ConfigError

# modules of this package, in the order the studio lists them
JOBS = ("compose", "continue_", "harmonize", "infill", "accompany", "restyle", "analyze", "check", "explain",
        "originality", "evaluate", "excerpt", "interpolate", "vary")


@dataclass(frozen=True)
class JobSpec:
    name: str
    title: str  # the studio's button
    summary: str  # one sentence: what it does
    params: type  # a pydantic model: the request body (with `pieces`, the ids of the library pieces read)
    run: Callable  # run(params: dict, inputs: list[Path], out_dir: Path, emit) -> result dict; in a worker
    inputs: tuple[int, int] = (0, 0)  # how many library pieces it reads, at least and at most
    makes_pieces: bool = False  # its result's "pieces" (job reports with "files") become library pieces
    # the shipped models its model "default" stands for: one (harmonize: the harmonizer), or those the input
    # chooses among (infill: a tune's model or a chorale's); none where "default" is the compose form's model
    models: tuple[str, ...] = ()
    # the kinds of model its library function accepts (kinds.Takes; () where any model, or none, is a parameter),
    # and where its parameters choose among them (restyle: bach or a folk style), those a request's choose
    takes: tuple = ()
    takes_for: Callable[[dict], tuple] | None = None
    listed: bool = True  # has an endpoint and a place in the studio (else only the server runs it)
    total: Callable[[dict], int] = lambda params: 1  # progress steps of a run
    # a new piece's title from its report and the titles of the pieces the job read
    title_of: Callable[[dict, list[str]], str] = lambda report, inputs: Path(report["files"]["json"]).stem

    def describe(self) -> dict:
        """What the studio needs to show the job: its parameters as JSON Schema, inputs and outputs, and where it
        takes a model, the kinds it takes and the shipped models of those kinds (its form lists only these)."""
        return {"name": self.name, "title": self.title, "summary": self.summary,
                "inputs": list(self.inputs), "makes_pieces": self.makes_pieces,
                "default_model": self.default_model(), "takes": [str(t) for t in self.takes],
                "models": self.models_taken() if "model" in self.params.model_fields else None,
                "schema": self.params.model_json_schema()}

    def models_taken(self) -> list[str]:
        """The shipped models of the kinds it takes (all where it takes any): what its form lists."""
        from tunesmith.web.jobs.params import shipped_info

        return [m["name"] for m in shipped_info() if not self.takes or any(t.fits(m) for t in self.takes)]

    def refusal(self, params: dict) -> str | None:
        """Why the model a request names is of a kind this job does not take (one line), or None. "default"
        stands for the job's own model, which is of its kind."""
        from tunesmith.web.jobs.kinds import refusal
        from tunesmith.web.jobs.params import shipped_info

        name = params.get("model")
        if not isinstance(name, str) or name == "default":
            return None
        takes = self.takes_for(params) if self.takes_for else self.takes
        return refusal(name, next((m for m in shipped_info() if m["name"] == name), None), takes, self.name)

    def default_model(self) -> str | None:
        """The model the studio's form starts on: the job's own where it has shipped, "default" where the input
        chooses among shipped ones, else None (the compose form's). Looked at on each call: models are shipped
        while the server runs."""
        from tunesmith.web.jobs.params import shipped_names

        if not self.models or not set(self.models) <= set(shipped_names()):
            return None
        return self.models[0] if len(self.models) == 1 else "default"


def registry(listed_only: bool = False) -> dict[str, JobSpec]:
    """Every job by name (or only those with an endpoint)."""
    specs = [importlib.import_module(f"tunesmith.web.jobs.{m}").SPEC for m in JOBS]
    return {s.name: s for s in specs if s.listed or not listed_only}


def get(name: str) -> JobSpec:
    jobs = registry()
    if name not in jobs:
        raise ConfigError(f"unknown job {name!r}; valid: {', '.join(jobs)}")
    return jobs[name]
