"""Alembic environment: the connection comes from `registry.db.migrate`, never from a file."""

from alembic import context
from sqlmodel import SQLModel

import registry.db.tables  # noqa: F401  (registers the tables on the metadata)

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=SQLModel.metadata, compare_type=True)
with context.begin_transaction():
    context.run_migrations()
