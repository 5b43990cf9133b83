"""The test databases on a PostgreSQL server: guard, create, clone per worker, drop.

conftest.py calls these; copy this module together with it. Every function that creates or
drops a database first checks that the name carries the test marker, so no path through this
module can touch a database that was not made for testing.
"""

import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import Connection, create_engine, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import OperationalError

TEST_MARKER = "_test"
# Names are spliced into CREATE/DROP DATABASE, which take no bind parameters: allow no quoting.
TEST_DATABASE_NAME = re.compile(rf"[a-z0-9_]+{TEST_MARKER}")


def describe(url: URL) -> str:
    """Where ``url`` points, for messages: never the password."""
    return f"database {url.database!r} on {url.host or 'localhost'}:{url.port or 5432}"


def require_test_database(url: URL) -> None:
    """Refuse, before any statement is sent, a database whose name lacks the test marker."""
    if not TEST_DATABASE_NAME.fullmatch(url.database or ""):
        raise pytest.UsageError(
            f"TEST_DATABASE_URL names {describe(url)}: a test database name must end in "
            f"{TEST_MARKER!r} (lower-case letters, digits and _), so the suite never touches "
            "a database that was not made for testing."
        )


@contextmanager
def server_connection(url: URL) -> Iterator[Connection]:
    """An autocommit connection to the server's maintenance database (CREATE/DROP DATABASE)."""
    engine = create_engine(
        url.set(database="postgres"),
        isolation_level="AUTOCOMMIT",
        connect_args={"connect_timeout": 5},
    )
    try:
        with engine.connect() as connection:
            yield connection
    except OperationalError as error:
        reason = " ".join(str(error.orig or "connection failed").split()).rstrip(".")
        raise pytest.UsageError(
            f"cannot reach PostgreSQL for {describe(url)} ({reason}). Start a server "
            "(docker compose up -d db) or unset TEST_DATABASE_URL to run the tests on SQLite."
        ) from None
    finally:
        engine.dispose()


def create_database_if_missing(url: URL) -> bool:
    """Create the test database unless it exists; True when this call created it."""
    require_test_database(url)
    with server_connection(url) as server:
        exists = server.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": url.database}
        )
        if not exists:
            server.exec_driver_sql(f'CREATE DATABASE "{url.database}"')
    return not exists


def worker_database(url: URL, worker: str) -> URL:
    """The per-worker database name: ``app_test`` becomes ``app_gw0_test``, still marked."""
    stem = (url.database or "").removesuffix(TEST_MARKER)
    return url.set(database=f"{stem}_{worker}{TEST_MARKER}")


def clone_database(template: URL, clone: URL) -> None:
    """(Re)create ``clone`` as a copy of the migrated ``template``: a file copy, no migrations.

    A clone left behind by a killed run is dropped first, so it cannot break this one.
    """
    require_test_database(template)
    require_test_database(clone)
    with server_connection(template) as server:
        server.exec_driver_sql(f'DROP DATABASE IF EXISTS "{clone.database}" WITH (FORCE)')
        server.exec_driver_sql(f'CREATE DATABASE "{clone.database}" TEMPLATE "{template.database}"')


def drop_database(url: URL) -> None:
    """Drop a database this run created (and only a marked one)."""
    require_test_database(url)
    with server_connection(url) as server:
        server.exec_driver_sql(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)')
