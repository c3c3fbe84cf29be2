"""Alembic environment: runs on the connection orderhub hands it (see orderhub.db.engine.migrate)."""

from alembic import context

from orderhub.db.schema import metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    version_table="orderhub_alembic_version",
)
with context.begin_transaction():
    context.run_migrations()
