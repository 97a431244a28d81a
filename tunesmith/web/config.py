"""The studio server's settings: one frozen dataclass, from `tunesmith serve`'s options or the environment
(TUNESMITH_* variables, which is how several uvicorn worker processes receive them)."""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path

from tunesmith.errors import ConfigError


@dataclass(frozen=True)
class Settings:
    data: Path  # the data folder: library.db (SQLite) and files/
    db_url: str  # SQLAlchemy URL
    job_workers: int = 2  # processes that run jobs (each composes on one core)
    queue_size: int = 64  # runs waiting beyond the running ones; past it a new run is refused with 429
    job_seconds: float = 300.0  # a run is stopped (its worker killed) after this long
    request_seconds: float = 30.0  # every other request answers 504 after this long
    upload_bytes: int = 4 << 20  # largest upload; a score file is rarely above a few hundred kB
    parse_seconds: float = 20.0  # reading one uploaded file (tunesmith.io.limits)
    parse_memory: int = 1 << 30  # address space the reading process may add
    cors_origins: tuple[str, ...] = ()  # none: the browser refuses cross-origin calls (closed by default)
    upgrade: bool = True  # migrate the database at start; False in worker processes beside others
    single_process: bool = True  # the only server process: runs it left unfinished are marked failed
    corpora: tuple[str, ...] = ("chorales", "folk")  # what the recommender and the listening test draw from
    embed: bool = True  # model embeddings in the catalog (~4 min for chorales and folk, once)
    secure_cookies: bool = False  # set behind HTTPS
    extra: dict = field(default_factory=dict)

    @property
    def files(self) -> Path:
        return self.data / "files"

    def env(self) -> dict[str, str]:
        """These settings as TUNESMITH_* variables (`from_env` reads them back)."""
        out = {}
        for f in dataclasses.fields(self):
            if f.name == "extra":
                continue
            v = getattr(self, f.name)
            out[f"TUNESMITH_{f.name.upper()}"] = ",".join(v) if isinstance(v, tuple) else str(v)
        return out


def from_env(environ=None, **overrides) -> Settings:
    """Settings from TUNESMITH_* variables, then `overrides`; the data folder and database default to the
    library's (tunesmith.library.db)."""
    from tunesmith.library.db import data_dir, default_url

    environ = os.environ if environ is None else environ
    values = {}
    for f in dataclasses.fields(Settings):
        raw = environ.get(f"TUNESMITH_{f.name.upper()}")
        if raw is None or f.name == "extra":
            continue
        values[f.name] = _parse(f.name, raw, f.type)
    values.update({k: v for k, v in overrides.items() if v is not None})
    data = Path(values.pop("data", None) or data_dir()).expanduser()
    db_url = values.pop("db_url", None) or (environ.get("TUNESMITH_DB") or default_url(data))
    settings = Settings(data=data, db_url=db_url, **values)
    _check(settings)
    return settings


def _parse(name: str, raw: str, kind: str):
    try:
        if kind.startswith("int"):
            return int(raw)
        if kind.startswith("float"):
            return float(raw)
        if kind.startswith("bool"):
            return raw.strip().lower() in ("1", "true", "yes", "on")
        if kind.startswith("tuple"):
            return tuple(x.strip() for x in raw.split(",") if x.strip())
        return raw
    except ValueError:
        raise ConfigError(f"TUNESMITH_{name.upper()}={raw!r} is not a valid {kind}") from None


def _check(s: Settings) -> None:
    for name, lo, hi in (("job_workers", 1, 64), ("queue_size", 1, 100_000), ("job_seconds", 1, 86_400),
                         ("request_seconds", 1, 3600), ("upload_bytes", 1024, 1 << 30),
                         ("parse_seconds", 1, 600)):
        if not lo <= getattr(s, name) <= hi:
            raise ConfigError(f"{name.replace('_', ' ')} must be in {lo}..{hi}, got {getattr(s, name)}")
