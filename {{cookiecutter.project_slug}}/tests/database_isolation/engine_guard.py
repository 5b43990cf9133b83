{%- set is_async = cookiecutter.api == "async" -%}
"""No engine but the test's: during the run, a connection to any other database is refused.

An app may build an engine of its own (at import, or in its start-up) from a URL the conftest
did not set: a SQLite file in the project folder, or the developer's database on a server.
Every SQLAlchemy engine in the process asks this plugin before it opens a connection; one that
aims anywhere but the test database (or, on a server, the database the suite administers it
from) fails with ForeignDatabaseError before the driver connects, so no file is created and no
statement is sent. A test that reaches another database on purpose says so with
``@pytest.mark.other_databases``.
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import Engine, event
from sqlalchemy.engine import URL, Dialect

from database_isolation import guard, servers

IN_MEMORY = {"", ":memory:"}
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
        return os.path.abspath(str(target.database)) == os.path.abspath(str(url.database))
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


def refuse_other_databases(
    dialect: Dialect, _record: Any, cargs: list[Any], cparams: dict[str, Any]
) -> None:
    """A do_connect listener on every engine: the check, before the driver connects."""
    target = target_of(dialect, cargs, cparams)
    if GUARD.migrating:
        raise ForeignDatabaseError(
            f"the migrations opened a connection of their own (to {target}) {MIGRATIONS_ADVICE}"
        )
    if GUARD.allow_all or is_a_test_database(target):
        return
    message = f"an engine tried to connect to {target} during the tests: {ADVICE}"
    GUARD.refused.append(message)
    raise ForeignDatabaseError(message)


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


def pytest_unconfigure(config: pytest.Config) -> None:
    if event.contains(Engine, "do_connect", refuse_other_databases):
        event.remove(Engine, "do_connect", refuse_other_databases)


@pytest.fixture(autouse=True)
def no_other_database(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fail the test whose code connected elsewhere, even if the app caught the error."""
    GUARD.allow_all = request.node.get_closest_marker("other_databases") is not None
    GUARD.refused.clear()
    yield
    GUARD.allow_all = False
    if GUARD.refused:
        pytest.fail(GUARD.refused[0], pytrace=False)
