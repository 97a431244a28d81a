"""Alembic's environment: migrations run on the connection tunesmith.library.db.migrate passes in."""

from alembic import context

from tunesmith.library.schema import Base

target_metadata = Base.metadata
connection = context.config.attributes.get("connection")
if connection is None:  # `alembic` run by hand would need a URL; tunesmith always passes a connection
    raise RuntimeError("run migrations through tunesmith.library.db.migrate(engine)")
context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
