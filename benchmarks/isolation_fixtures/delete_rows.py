"""Strategy 2: sessions commit for real, and every row is deleted after each test."""

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
    """After the test, DELETE FROM each table, children before the parents they point to."""
    yield committing_sessions
    with engine.begin() as connection:
        for table in reversed(MODEL_METADATA.sorted_tables):
            connection.execute(table.delete())
