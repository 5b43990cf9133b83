"""Strategy 5: every test gets a database of its own, copied from the migrated one."""

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import Engine
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import sessionmaker

from tests import databases
from tests.conftest import ON_SQLITE, Session, create_test_engine

__all__ = ["session_factory"]


@pytest.fixture
def session_factory(database_url: URL, engine: Engine) -> Iterator[sessionmaker[Session]]:
    """Sessions on a fresh copy of the test database, thrown away after the test."""
    copy = copy_of_sqlite(engine) if ON_SQLITE else copy_of_server_database(database_url)
    with copy as fresh_engine:
        yield sessionmaker(bind=fresh_engine, class_=Session)


@contextmanager
def copy_of_sqlite(engine: Engine) -> Iterator[Engine]:
    """A new in-memory database filled by SQLite's backup API: SQLite's CREATE ... TEMPLATE."""
    fresh_engine = create_test_engine(make_url("sqlite://"))
    with engine.connect() as source, fresh_engine.connect() as target:
        source.connection.driver_connection.backup(target.connection.driver_connection)
    try:
        yield fresh_engine
    finally:
        fresh_engine.dispose()


@contextmanager
def copy_of_server_database(database_url: URL) -> Iterator[Engine]:
    """CREATE DATABASE ... TEMPLATE the test database, with the generated suite's own helpers."""
    fresh_url = databases.worker_database(database_url, "fresh")
    databases.clone_database(database_url, fresh_url)
    fresh_engine = create_test_engine(fresh_url)
    try:
        yield fresh_engine
    finally:
        fresh_engine.dispose()
        databases.drop_database(fresh_url)
