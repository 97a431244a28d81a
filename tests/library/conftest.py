import pytest

from tunesmith.library import Database


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, tmp_path):
    """The library on each database: a SQLite file, and a new database on the test run's PostgreSQL server."""
    url = f"sqlite:///{tmp_path}/library.db" if request.param == "sqlite" else \
        request.getfixturevalue("postgres_database")
    database = Database(url)
    yield database
    database.close()


@pytest.fixture
def two_users(db):
    from tunesmith.library.accounts import create_user

    with db.session.begin() as s:
        a, b = create_user(s, "ann", "password-a"), create_user(s, "bob", "password-b")
        return a.id, b.id
