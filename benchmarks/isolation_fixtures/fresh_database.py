"""Strategy 5: every test gets a database of its own, copied from the migrated one."""

import gc
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from conftest import ON_SQLITE, Session, create_test_engine
from database_isolation import engine_guard, servers
from sqlalchemy import Connection, Engine
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import sessionmaker

from isolation_fixtures.committed import session, transaction

__all__ = [
    "maintenance_connection",
    "no_other_database",
    "nothing_committed_by_the_run",
    "session",
    "session_factory",
    "transaction",
]


@pytest.fixture(autouse=True)
def no_other_database() -> Iterator[None]:
    """Replaces engine_guard.py's refusal: each test works in a fresh copy of the test
    database, a database the guard does not know."""
    engine_guard.GUARD.allow_all = True
    yield
    engine_guard.GUARD.allow_all = False


@pytest.fixture(scope="session", autouse=True)
def nothing_committed_by_the_run() -> None:
    """Replaces end_of_run.py's check, which holds a connection to the test database for the
    whole run: PostgreSQL copies only a database nobody is connected to. This strategy's rows
    are counted after the run anyway (the benchmark's "rows left")."""


@pytest.fixture
def session_factory(
    request: pytest.FixtureRequest, database_url: URL, engine: Engine
) -> Iterator[sessionmaker[Session]]:
    """Sessions on a fresh copy of the test database, thrown away after the test."""
    if ON_SQLITE:
        copy = copy_of_sqlite(engine)
    else:
        close_idle_connections_to(database_url)
        copy = copy_on_the_server(request.getfixturevalue("maintenance_connection"), database_url)
    with copy as fresh_engine:
        yield sessionmaker(bind=fresh_engine, class_=Session)


def close_idle_connections_to(database_url: URL) -> None:
    """PostgreSQL copies only a database nobody is connected to: close the idle pooled
    connections that the suite's, the app's and the checks' engines keep to it."""
    for candidate in gc.get_objects():
        if isinstance(candidate, Engine) and candidate.url.database == database_url.database:
            candidate.dispose()


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
    """One autocommit connection to the server's maintenance database, for CREATE and DROP
    (the suite's own administration connection, which the guard lets through)."""
    with servers.server_connection(database_url) as connection:
        yield connection


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
