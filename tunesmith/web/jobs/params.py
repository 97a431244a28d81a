"""Parameters the jobs share: which shipped model, which output files, and compose's settings, which are the
library's own `Request` (its fields, defaults and checks; nothing copied)."""

from __future__ import annotations

import functools
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from tunesmith.generation.job import FILES
from tunesmith.generation.request import Request


def shipped_names() -> list[str]:
    from tunesmith.generation.load import shipped_models

    return ["default", *(p.name for p in shipped_models())]


@functools.cache
def loaded(name: str):
    """A shipped model, loaded once per process (a job worker keeps its models between runs)."""
    from tunesmith.generation.load import load

    return load(name)


def _shipped(name: str) -> str:
    # only the models shipped with tunesmith: a checkpoint folder would let a caller load any path on the server
    if name not in shipped_names():
        raise ValueError(f"unknown model {name!r}; valid: {', '.join(shipped_names())}")
    return name


Model = Annotated[str, AfterValidator(_shipped), Field(description="a shipped model (`tunesmith models`)")]
Formats = list[Literal[FILES]]  # type: ignore[valid-type]
PieceIds = Annotated[list[int], Field(description="ids of the library pieces the job reads")]


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid", protected_namespaces=())


class ComposeSettings(Params):
    model: Model = "default"
    formats: Formats = Field(default_factory=lambda: list(FILES), description="files to write besides the .json")
    request: Request = Field(default_factory=Request, description="what to compose: every setting of "
                             "`tunesmith compose`, checked by the library")
