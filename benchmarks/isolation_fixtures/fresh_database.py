"""Strategy 5: every test gets a database of its own, copied from the migrated one."""

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from conftest import ON_SQLITE, Session, create_test_engine
from sqlalchemy import Connection, Engine, create_engine
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import sessionmaker

from isolation_fixtures.committed import session, transaction

__all__ = ["maintenance_connection", "session", "session_factory", "transaction"]


@pytest.fixture
def session_factory(
    request: pytest.FixtureRequest, database_url: URL, engine: Engine
) -> Iterator[sessionmaker[Session]]:
    """Sessions on a fresh copy of the test database, thrown away after the test."""
    if ON_SQLITE:
        copy = copy_of_sqlite(engine)
    else:
        copy = copy_on_the_server(request.getfixturevalue("maintenance_connection"), database_url)
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


@pytest.fixture(scope="session")
def maintenance_connection(database_url: URL) -> Iterator[Connection]:
    """One autocommit connection to the server's maintenance database, for CREATE and DROP."""
    engine = create_engine(database_url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        yield connection
    engine.dispose()


@contextmanager
def copy_on_the_server(server: Connection, database_url: URL) -> Iterator[Engine]:
    """CREATE DATABASE ... TEMPLATE the test database; DROP it afterwards.

    A plain DROP, not WITH (FORCE): FORCE refuses, to a role without pg_signal_backend, to end
    an autovacuum worker that happens to be in the new database, where a plain DROP ends it.
    """
    fresh = f"{str(database_url.database).removesuffix('_test')}_fresh_test"
    server.exec_driver_sql(f'CREATE DATABASE "{fresh}" TEMPLATE "{database_url.database}"')
    fresh_engine = create_test_engine(database_url.set(database=fresh))
    try:
        yield fresh_engine
    finally:
        fresh_engine.dispose()
        server.exec_driver_sql(f'DROP DATABASE "{fresh}"')
