"""The state every test starts from: SCHEMA's migrations (or its models' tables), then SEED's rows.

conftest.py names SCHEMA and SEED in its marked block and calls ``build`` once per run, in one
transaction it commits: on a server before xdist's workers clone the database (so every clone
holds the seed), on in-memory SQLite on the one connection it has. A test's changes to seeded
rows roll back with the rest of its transaction.
"""

from collections.abc import Callable
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, MetaData
from sqlalchemy.orm import Session

from database_isolation.engine_guard import ForeignDatabaseError, only_the_passed_connection

Schema = Path | MetaData
Seed = Callable[[Session], None]


def build(connection: Connection, schema: Schema, seed: Seed | None = None) -> None:
    """Build the schema on ``connection`` (run the migrations, or create the tables), then
    add the seed's rows."""
    migrate(connection, schema)
    if seed is not None:
        # A session on the connection's own transaction: a commit() in the seed ends nothing.
        with Session(bind=connection) as session:
            seed(session)
            session.flush()


def migrate(connection: Connection, schema: Schema) -> None:
    if isinstance(schema, MetaData):
        schema.create_all(connection)
        return
    try:
        with only_the_passed_connection():
            command.upgrade(alembic_config(schema, connection), "head")
    except ForeignDatabaseError as error:
        pytest.exit(f"SCHEMA: {error}", returncode=pytest.ExitCode.USAGE_ERROR)


def alembic_config(schema: Schema, connection: Connection | None = None) -> Config:
    assert isinstance(schema, Path), "SCHEMA names no alembic.ini: there are no migrations"
    config = Config(schema)
    # Migrate this very connection: an in-memory SQLite database exists nowhere else, and a
    # migration test must see (and roll back) its DDL inside the test's transaction.
    config.attributes["connection"] = connection
    return config
