"""Where the library lives and how to open it: SQLite in the user's data folder by default (WAL mode, so
readers never wait for the one writer), any SQLAlchemy URL otherwise (PostgreSQL:
`postgresql+psycopg://user@host/db`); the schema is brought up to date by the Alembic migrations shipped in
tunesmith/library/migrations.
"""

from __future__ import annotations

import os
from pathlib import Path

from tunesmith.errors import ConfigError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def data_dir() -> Path:
    """The user's data folder: $TUNESMITH_DATA, else $XDG_DATA_HOME/tunesmith, else ~/.local/share/tunesmith."""
    if os.environ.get("TUNESMITH_DATA"):
        return Path(os.environ["TUNESMITH_DATA"]).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "tunesmith"


def default_url(folder: Path | None = None) -> str:
    """$TUNESMITH_DB, else the SQLite file library.db in the data folder."""
    if os.environ.get("TUNESMITH_DB") and folder is None:
        return os.environ["TUNESMITH_DB"]
    return f"sqlite:///{(folder or data_dir()) / 'library.db'}"


def make_engine(url: str):
    """An engine for `url`; SQLite gets WAL mode, foreign keys and a busy timeout on every connection."""
    from sqlalchemy import create_engine, event
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    if url.startswith("postgresql://"):  # the driver installed with tunesmith, not psycopg2
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    try:
        if url.startswith("sqlite"):
            path = url.split("///", 1)[1] if "///" in url else ""
            if path and path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
            event.listen(engine, "connect", _sqlite_pragmas)
            return engine
        return create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)
    except (ArgumentError, NoSuchModuleError) as e:
        raise ConfigError(f"cannot open database {url!r}: {e}") from None


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA journal_mode=WAL")  # readers never block the writer, nor it them
    cur.execute("PRAGMA synchronous=NORMAL")  # durable at each checkpoint; safe with WAL
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def alembic_config():
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def migrate(engine) -> None:
    """Bring the schema to the newest migration (creating it on an empty database)."""
    from alembic import command

    with engine.begin() as conn:
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def current_revision(engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


class Database:
    """An engine and its session factory; `Database(url)` also brings the schema up to date; with
    upgrade=False (a server process beside others) a database behind the migrations is an error instead."""

    def __init__(self, url: str | None = None, upgrade: bool = True):
        from sqlalchemy.orm import sessionmaker

        self.url = url or default_url()
        self.engine = make_engine(self.url)
        if upgrade:
            migrate(self.engine)
        elif current_revision(self.engine) != head_revision():
            raise ConfigError(f"the database {self.engine.url!r} is not at the newest schema: run "
                              "`tunesmith serve` once with one worker, or migrate it")
        self.session = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def close(self) -> None:
        self.engine.dispose()
