"""What strategies 2 to 5 share: sessions that really commit, and the tables to clean."""

from collections.abc import Iterator

import pytest
from conftest import Session
from database_isolation import factory_binding
from hero_service.models import Team  # the benchmark renders the default answers
from sqlalchemy import Engine, MetaData
from sqlalchemy.orm import sessionmaker

# Every model shares the metadata of Team: the tables in the order their foreign keys need.
MODEL_METADATA: MetaData = Team.metadata

__all__ = ["MODEL_METADATA", "committing_sessions", "session", "transaction"]


@pytest.fixture(scope="session")
def committing_sessions(engine: Engine) -> sessionmaker[Session]:
    """Sessions on the engine itself, of the conftest's session class: their commits are real."""
    return sessionmaker(bind=engine, class_=Session)


@pytest.fixture
def session(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    """The test's session, from the strategy's factory alone: whatever else the conftest's own
    `session` asks for (its outer transaction) stays out of the strategy."""
    with session_factory() as session, factory_binding.writing_to(session):
        yield session


@pytest.fixture
def transaction() -> None:
    """No outer transaction (the conftest's `client` asks for one): under these strategies
    commits are real, and undoing them is the strategy's own work."""
