{%- set is_async = cookiecutter.api == "async" -%}
"""No engine but the test's: during the run, a connection to any other database is refused.

An app may build an engine of its own (at import, or in its start-up) from a URL the conftest
did not set: a SQLite file in the project folder, or the developer's database on a server.
Every SQLAlchemy engine in the process asks this plugin before it opens a connection; one that
aims anywhere but the test database (or, on a server, the database the suite administers it
from) fails with ForeignDatabaseError before the driver connects, so no file is created and no
statement is sent. An engine built with ``creator=`` (cloud SQL connectors) opens its
connections itself, past that check: each is checked as soon as it is open, from where the
driver says it leads, and refused before any statement is sent on it (an SQLite file it names
is left empty). A test that reaches another database on purpose says so with
``@pytest.mark.other_databases``.
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
import sqlalchemy
from sqlalchemy import Engine, event
from sqlalchemy.engine import URL, Dialect
from sqlalchemy.pool import ConnectionPoolEntry, Pool

from database_isolation import guard, servers

IN_MEMORY = {"", ":memory:"}
# The drivers whose open connections this guard can read where they lead, by module.
DRIVERNAMES = {
    "sqlite3": "sqlite",
{%- if is_async %}
    "aiosqlite": "sqlite+aiosqlite",
{%- endif %}
    "psycopg": "postgresql+psycopg",
    "pymysql": "mysql+pymysql",
{%- if is_async %}
    "aiomysql": "mysql+aiomysql",
{%- endif %}
}
# SQLAlchemy 2.1 closes a connection its connect event refused; 2.0 leaves it open, and the
# thread of an async driver's connection would then keep the process from ever exiting.
CLOSES_REFUSED_CONNECTIONS = tuple(map(int, sqlalchemy.__version__.split(".")[:2])) >= (2, 1)
# Set on a pool entry whose connection do_connect checked from the engine's own arguments.
CHECKED = "database_isolation.engine_guard.checked"
MIGRATIONS_ADVICE = (
    "instead of using the one the conftest passed: in env.py, migrate "
    "config.attributes['connection'] when it is set (see the generated migrations/env.py)"
)
{%- if is_async %}
# What asyncio.run() raises in an env.py that starts an event loop of its own (to migrate with
# an engine of its own) while the suite's loop runs the migrations on its in-memory database.
LOOP_OF_ITS_OWN = "cannot be called from a running event loop"
{%- endif %}
ADVICE = (
    "make the app take its database URL from its settings (the conftest's marked block points "
    "them at the test database) instead of building an engine from a URL of its own"
)


class ForeignDatabaseError(RuntimeError):
    """An engine tried to connect to a database that is not the test database."""


@dataclass
class Guard:
    allow_all: bool = False  # the running test is marked other_databases
    migrating: bool = False  # the migrations run: no connection but the one they were given
    refused: list[str] = field(default_factory=list)  # what the running test was refused


GUARD = Guard()


def target_of(dialect: Dialect, cargs: list[Any], cparams: dict[str, Any]) -> URL:
    """Where the driver is about to connect, from its own arguments (no password)."""
    if dialect.name == "sqlite":
        database = str(cargs[0] if cargs else cparams.get("database", ""))
        return URL.create(f"sqlite+{dialect.driver}", database=database)
    return URL.create(
        f"{dialect.name}+{dialect.driver}",
        username=cparams.get("user"),
        host=cparams.get("host"),
        port=int(cparams["port"]) if cparams.get("port") else None,
        database=cparams.get("dbname") or cparams.get("database") or cparams.get("db"),
    )


def text_of(value: str | bytes | None) -> str | None:
    """PyMySQL keeps the user and database it connected with as bytes."""
    return value.decode() if isinstance(value, bytes) else value


def sqlite_file_of(dbapi_connection: Any) -> str | None:
    """The file an SQLite connection opened ("" in memory), asked without reading the file.
{%- if is_async %}
    aiosqlite's adapted cursor answers synchronously too.
{%- endif %}"""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA database_list")  # (0, "main", path) first
    main = cursor.fetchone()
    cursor.close()
    return str(main[2]) if main else None


def target_of_connection(dbapi_connection: Any) -> URL:
    """Where an open connection leads, from the driver itself (no password). The async drivers'
    own connection sits inside SQLAlchemy's adapter; a driver not named here is refused."""
    driver = getattr(dbapi_connection, "driver_connection", dbapi_connection)
    module = type(driver).__module__.partition(".")[0]
    url = URL.create(DRIVERNAMES.get(module, module))
    if url.get_backend_name() == "sqlite":
        return url.set(database=sqlite_file_of(dbapi_connection))
    if url.get_backend_name() == "postgresql":
        info = driver.info
        return url.set(username=info.user, host=info.host, port=info.port, database=info.dbname)
    if url.get_backend_name() == "mysql":
        user, database = text_of(driver.user), text_of(driver.db)
        return url.set(username=user, host=driver.host, port=driver.port, database=database)
    return url


def is_a_test_database(target: URL) -> bool:
    """The test database of this run (or this worker's copy), the server's own database that
    servers.py creates and drops them from, or a private in-memory SQLite database."""
    url = servers.test_database_url()
    if target.get_backend_name() == "sqlite" and (
        target.database in IN_MEMORY or "mode=memory" in str(target.database)
    ):
        return True  # in this process's memory (file:name?mode=memory): it leaves nothing behind
    if target.get_backend_name() != url.get_backend_name():
        return False
    if url.get_backend_name() == "sqlite":
        return os.path.realpath(str(target.database)) == os.path.realpath(str(url.database))
    default_port = guard.DEFAULT_PORTS[url.get_backend_name()]
    names = {
        url.database,
        servers.database_of_this_process().database,
        servers.SERVER_DATABASES[url.get_backend_name()],
    }
    return (
        target.database in names
        and (target.host or "localhost") == (url.host or "localhost")
        and (target.port or default_port) == (url.port or default_port)
    )


def refuse(target: URL) -> None:
    """The check: the test database passes; any other fails the test, loudly."""
    if GUARD.migrating:
        raise ForeignDatabaseError(
            f"the migrations opened a connection of their own (to {target}) {MIGRATIONS_ADVICE}"
        )
    if GUARD.allow_all or is_a_test_database(target):
        return
    message = f"an engine tried to connect to {target} during the tests: {ADVICE}"
    GUARD.refused.append(message)
    raise ForeignDatabaseError(message)


def refuse_other_databases(
    dialect: Dialect, record: ConnectionPoolEntry, cargs: list[Any], cparams: dict[str, Any]
) -> None:
    """A do_connect listener on every engine: the check, before the driver connects."""
    refuse(target_of(dialect, cargs, cparams))
    record.info[CHECKED] = True


def refuse_what_a_creator_opened(dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
    """A connect listener on every pool, called before the engine's own (the dialect's first
    queries): a connection do_connect did not see came from a creator= of the engine's."""
    if record.info.pop(CHECKED, False):
        return
    try:
        refuse(target_of_connection(dbapi_connection))
    except ForeignDatabaseError:
        if not CLOSES_REFUSED_CONNECTIONS:
            dbapi_connection.close()
        raise


@contextmanager
def only_the_passed_connection() -> Iterator[None]:
    """While the block runs, refuse every new connection: the migrations must use the one
    they were given, or their DDL would land elsewhere."""
    GUARD.migrating = True
    try:
        yield
{%- if is_async %}
    except RuntimeError as error:
        if LOOP_OF_ITS_OWN not in str(error):
            raise
        raise ForeignDatabaseError(
            "the migrations opened a connection of their own (in an event loop of their own: "
            f"asyncio.run) {MIGRATIONS_ADVICE}"
        ) from error
{%- endif %}
    finally:
        GUARD.migrating = False


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "other_databases: the test connects to a database other than the test's"
    )
    event.listen(Engine, "do_connect", refuse_other_databases)
    event.listen(Pool, "connect", refuse_what_a_creator_opened)


def pytest_unconfigure(config: pytest.Config) -> None:
    if event.contains(Engine, "do_connect", refuse_other_databases):
        event.remove(Engine, "do_connect", refuse_other_databases)
    if event.contains(Pool, "connect", refuse_what_a_creator_opened):
        event.remove(Pool, "connect", refuse_what_a_creator_opened)


@pytest.fixture(autouse=True)
def no_other_database(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fail the test whose code connected elsewhere, even if the app caught the error."""
    GUARD.allow_all = request.node.get_closest_marker("other_databases") is not None
    GUARD.refused.clear()
    yield
    GUARD.allow_all = False
    if GUARD.refused:
        pytest.fail(GUARD.refused[0], pytrace=False)
