"""The schema every test starts from: SCHEMA's migrations (or its models' tables).

conftest.py names SCHEMA in its marked block and calls ``build`` once per run: on a server
before xdist's workers clone the database, on in-memory SQLite on the one connection it has.
"""

from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, MetaData

from database_isolation.engine_guard import ForeignDatabaseError, only_the_passed_connection

Schema = Path | MetaData


def build(connection: Connection, schema: Schema) -> None:
    """Build the schema on ``connection``: run the migrations, or create the tables."""
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
