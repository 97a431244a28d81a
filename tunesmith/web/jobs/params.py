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


def shipped_info() -> list[dict]:
    """Each shipped model's name, kind (kinds.kind_of: kind, family, tasks, rl_tuned), voices, and the styles, keys
    and meters its tokens can ask for (read from its config.json; no weights loaded). Read again when a model is
    shipped or shipped anew while the server runs; one whose config cannot be read is of kind "unknown"."""
    from tunesmith.generation.load import shipped_models

    return _info(tuple((p, (p / "config.json").stat().st_mtime_ns) for p in shipped_models()))


@functools.cache
def _info(shipped: tuple) -> list[dict]:
    import json

    from tunesmith.errors import TunesmithError
    from tunesmith.generation.load import DEFAULT
    from tunesmith.representation.base import Tokenizer
    from tunesmith.web.jobs.kinds import kind_of

    out = []
    for path, _ in shipped:
        entry = {"name": path.name, "default": path.name == DEFAULT}
        try:
            config = json.loads((path / "config.json").read_text())
            tok = Tokenizer.from_dict(config["tokenizer"])
        except (OSError, ValueError, KeyError, TypeError, AttributeError, TunesmithError) as e:
            # a folder being shipped, or a config edited by hand: listed, of no job's kind
            out.append({**entry, "kind": "unknown", "family": None, "tasks": [], "rl_tuned": False, "voices": None,
                        "styles": [], "keys": [], "meters": [], "tuned": {}, "card": "",
                        "error": f"config.json cannot be read ({type(e).__name__})"})
            continue
        family = functools.partial(_family, tok.vocab.names)
        card = (path / "MODEL_CARD.md").read_text() if (path / "MODEL_CARD.md").is_file() else ""
        out.append({**entry, **kind_of(config), "voices": tok.config.get("voices"),
                    "styles": family("Style_", ("Style_none", "Style_user")), "keys": family("Key_"),
                    "meters": family("Meter_", ("Meter_other",)), "tuned": config.get("compose", {}),
                    "card": card[:2000]})
    return out


def _family(names, prefix: str, skip=()) -> list[str]:
    return [n.split("_", 1)[1].replace("_", " ") for n in names if n.startswith(prefix) and n not in skip]


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
