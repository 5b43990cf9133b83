"""Strategy 3 (PostgreSQL only): sessions commit for real, and every table is truncated after
each test."""

from collections.abc import Iterator

import pytest
from conftest import Session
from sqlalchemy import Engine
from sqlalchemy.orm import sessionmaker

from isolation_fixtures.committed import (
    MODEL_METADATA,
    committing_sessions,
    session,
    transaction,
)

__all__ = ["committing_sessions", "session", "session_factory", "transaction"]


@pytest.fixture
def session_factory(
    engine: Engine, committing_sessions: sessionmaker[Session]
) -> Iterator[sessionmaker[Session]]:
    """After the test, one TRUNCATE empties every table and restarts its id sequence."""
    yield committing_sessions
    quote = engine.dialect.identifier_preparer.format_table
    tables = ", ".join(quote(table) for table in MODEL_METADATA.sorted_tables)
    with engine.begin() as connection:
        connection.exec_driver_sql(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
