"""Strategy 4: sessions commit for real, and the schema is dropped and created after each test."""

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
    """After the test, drop_all and create_all, in one transaction."""
    yield committing_sessions
    with engine.begin() as connection:
        MODEL_METADATA.drop_all(connection)
        MODEL_METADATA.create_all(connection)
