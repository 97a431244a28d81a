"""The studio's library on a real database: users, pieces and their files, ratings, plays, settings, job runs
and listening-test answers (SQLAlchemy 2; SQLite by default, PostgreSQL by URL; Alembic migrations).

Layering: the library sits beside `jobs` and below `recommend` and `web`; it imports nothing above
`evaluation`, and only inside the functions that need it.
"""

from tunesmith.library.db import Database, data_dir, default_url

__all__ = ["Database", "data_dir", "default_url"]
