"""What strategies 2 to 4 share: sessions that really commit, and the tables to clean."""

import pytest
from sqlalchemy import Engine, MetaData
from sqlalchemy.orm import sessionmaker
from tests.factories import Team

from tests.conftest import Session

# Every model shares the metadata of Team: the tables in the order their foreign keys need.
MODEL_METADATA: MetaData = Team.metadata

__all__ = ["MODEL_METADATA", "committing_sessions"]


@pytest.fixture(scope="session")
def committing_sessions(engine: Engine) -> sessionmaker[Session]:
    """Sessions on the engine itself, of the conftest's session class: their commits are real."""
    return sessionmaker(bind=engine, class_=Session)
