import pytest
from sqlalchemy import text

from tunesmith.errors import ConfigError
from tunesmith.library import Database, data_dir, default_url
from tunesmith.library.db import current_revision, head_revision


def test_migrations_build_exactly_the_models_tables(db):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from tunesmith.library.schema import Base

    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []
    assert current_revision(db.engine) == head_revision()


def test_migrating_twice_changes_nothing(db):
    again = Database(db.url)
    assert current_revision(again.engine) == head_revision()
    again.close()


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path):
    db = Database(f"sqlite:///{tmp_path}/x/library.db")
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    db.close()


def test_a_database_behind_the_migrations_is_refused_without_upgrade(tmp_path):
    from sqlalchemy import create_engine

    create_engine(f"sqlite:///{tmp_path}/old.db").connect().close()  # an empty file, no schema
    with pytest.raises(ConfigError, match="not at the newest schema"):
        Database(f"sqlite:///{tmp_path}/old.db", upgrade=False)


def test_the_default_database_is_a_file_in_the_data_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("TUNESMITH_DB", raising=False)
    monkeypatch.setenv("TUNESMITH_DATA", str(tmp_path / "data"))
    assert data_dir() == tmp_path / "data"
    assert default_url() == f"sqlite:///{tmp_path / 'data' / 'library.db'}"
    monkeypatch.delenv("TUNESMITH_DATA")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert data_dir() == tmp_path / "xdg" / "tunesmith"


def test_an_unknown_database_kind_is_a_clear_error():
    with pytest.raises(ConfigError, match="cannot open database"):
        Database("nosuchdb://x/y")
