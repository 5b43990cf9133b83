"""The guard: the suite reaches databases made for testing, and nothing else.

Two checks, so that neither the URL nor the driver can talk it round.

- Before any connection, the URL. Its database must carry the test marker (a server database
  named ``…_test``, an SQLite file named ``…_test.db`` whatever link leads to it, or SQLite in
  memory), and its query may only carry options that change neither where nor as whom the
  driver connects: psycopg and PyMySQL honour ``?dbname=``, ``?host=``, ``?database=`` … over
  the URL's own path and host.
- After each new connection, the server's own answer: the database it actually opened must
  carry the marker too, before the suite sends anything else on that connection. This runs on
  every engine of the test process (the suite's, the app's, the migrations'), in every worker.
"""

import os
import re
import weakref
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

TEST_MARKER = "_test"
# Names are spliced into CREATE/DROP DATABASE, which take no bind parameters: allow no quoting.
TEST_DATABASE_NAME = re.compile(rf"[a-z0-9_]+{TEST_MARKER}")
DEFAULT_PORTS = {"postgresql": 5432, "mysql": 3306}

# Query options that change neither the server, the database nor the user: anything else in
# the query (dbname, host, port, service, options, user, password, sslcert, read_default_file,
# database, unix_socket, ...) is refused, since the driver would obey it over the URL itself.
HARMLESS_QUERY_OPTIONS = {
    "postgresql": {
        "application_name",
        "client_encoding",
        "connect_timeout",
        "keepalives",
        "keepalives_count",
        "keepalives_idle",
        "keepalives_interval",
        "sslmode",
        "tcp_user_timeout",
    },
    "mysql": {"charset", "connect_timeout", "read_timeout", "write_timeout"},
    "sqlite": set(),
}
# An SQLite URI naming a database that lives in memory (mode=memory) reaches no file.
IN_MEMORY_URI_OPTIONS = {"mode", "cache", "uri"}
# What the server says it opened: the database, and where it runs.
DATABASE_REACHED = {
    "postgresql": "SELECT current_database(), inet_server_addr()::text, inet_server_port()",
    "mysql": "SELECT DATABASE(), @@hostname, @@port",
}
VERIFIED = "database_isolation.guard.verified"
PERCENT_ENCODE = (
    "TEST_DATABASE_URL cannot be read as dialect+driver://user:password@host:port/name_test: "
    "if the password holds @ : / ? # or %, percent-encode it "
    "(python -c \"import urllib.parse; print(urllib.parse.quote('PASSWORD', safe=''))\")"
)

# Engines that talk to the server itself (CREATE and DROP DATABASE), not to a test database.
administration_engines: "weakref.WeakSet[Engine]" = weakref.WeakSet()


def parse_test_database_url(value: str) -> URL:
    """``value`` as a URL, or one line saying how to write it; never echoes the password."""
    try:
        url = make_url(value)
    except (ArgumentError, ValueError):
        raise pytest.UsageError(PERCENT_ENCODE) from None
    # An unencoded @ in the password moves the rest of the password into the host.
    if url.host and ("@" in url.host or "/" in url.host):
        raise pytest.UsageError(PERCENT_ENCODE)
    refuse_an_unusable_driver(url)
    return url


def refuse_an_unusable_driver(url: URL) -> None:
    """A database the tests do not run on, or a driver that is not installed: one line, before
    anything imports it with a traceback."""
    if url.get_backend_name() not in {"sqlite", *DEFAULT_PORTS}:
        raise pytest.UsageError(
            f"TEST_DATABASE_URL starts with {url.drivername!r}: the tests run on sqlite://, "
            "postgresql+psycopg:// or mysql+pymysql:// (MySQL and MariaDB)."
        )
    try:
        url.get_dialect().import_dbapi()
    except (ImportError, NoSuchModuleError):
        raise pytest.UsageError(
            f"TEST_DATABASE_URL names the driver {url.drivername!r}, which is not installed "
            "here: add its package to the dev dependencies, or name an installed one "
            "(postgresql+psycopg://, mysql+pymysql://)."
        ) from None


def where(url: URL) -> str:
    """Where ``url`` points, for messages: never the password."""
    if url.get_backend_name() == "sqlite":
        if not url.database:
            return "SQLite in memory"
        real = os.path.realpath(url.database)
        link = f" (a link to {real!r})" if real != os.path.abspath(url.database) else ""
        return f"SQLite file {url.database!r}{link}"
    port = url.port or DEFAULT_PORTS.get(url.get_backend_name())
    return f"database {url.database!r} on {url.host or 'localhost'}:{port}"


def is_in_memory(file: str | None) -> bool:
    return not file or file == ":memory:"


def is_shared_in_memory(url: URL) -> bool:
    """``sqlite:///file:name?mode=memory&cache=shared&uri=true``: in memory, shared by name."""
    return url.query.get("mode") == "memory" and set(url.query) <= IN_MEMORY_URI_OPTIONS


def carries_the_marker(url: URL) -> bool:
    if url.get_backend_name() == "sqlite":
        return (
            is_in_memory(url.database)
            or is_shared_in_memory(url)
            # The file the link leads to: SQLite opens (and names) that one.
            or Path(os.path.realpath(str(url.database))).stem.endswith(TEST_MARKER)
        )
    return TEST_DATABASE_NAME.fullmatch(url.database or "") is not None


def require_test_database(url: URL) -> None:
    """Refuse, before any connection, a URL that could reach a database not made for testing."""
    harmless = HARMLESS_QUERY_OPTIONS.get(url.get_backend_name(), set())
    if url.get_backend_name() == "sqlite" and is_shared_in_memory(url):
        harmless = IN_MEMORY_URI_OPTIONS
    refused = sorted(set(url.query) - harmless)
    if refused:
        raise pytest.UsageError(
            f"TEST_DATABASE_URL carries {', '.join(f'?{option}=' for option in refused)}, which "
            "the driver would follow over the URL itself (to another database, server or user): "
            f"remove it. Harmless options: {', '.join(sorted(harmless)) or 'none'}."
        )
    if not carries_the_marker(url):
        rule = (
            f"a file name must end in {TEST_MARKER!r} (app{TEST_MARKER}.db), or leave "
            "TEST_DATABASE_URL unset for SQLite in memory"
            if url.get_backend_name() == "sqlite"
            else f"a test database name must end in {TEST_MARKER!r} (lower-case letters, "
            "digits and _)"
        )
        raise pytest.UsageError(
            f"TEST_DATABASE_URL names {where(url)}: {rule}, so the suite never touches a "
            "database that was not made for testing."
        )


def verify_every_connection() -> None:
    """From now on, every engine of this process checks what each new connection opened."""
    event.listen(Engine, "engine_connect", verify_database_reached)


def verify_database_reached(connection: Connection) -> None:
    """An ``engine_connect`` listener: once per DBAPI connection, ask the server which database
    it opened, and refuse the connection unless that database carries the marker."""
    if connection.info.get(VERIFIED) or connection.engine in administration_engines:
        return
    reached = database_reached(connection)
    connection.rollback()  # end the transaction the question began: the caller begins its own
    if not carries_the_marker(reached):
        connection.invalidate()
        raise pytest.UsageError(
            f"the server opened {where(reached)}, which is not a test database: the suite "
            f"stopped before sending anything there. {fix_for(connection.engine.url)}"
        )
    connection.info[VERIFIED] = True


def fix_for(told: URL) -> str:
    """The suite's engines are built from a test database's URL: one that was not is the app's
    or the migrations' own; one that was went elsewhere on the driver's own configuration."""
    if carries_the_marker(told):
        return (
            "Check TEST_DATABASE_URL (and PG*/MYSQL* environment variables or option files "
            "the driver reads)."
        )
    return (
        f"The engine is not the suite's (built from {told.render_as_string()}): make the app "
        "take its database URL from its settings, and the migrations the connection the "
        "conftest passes (see the generated migrations/env.py)."
    )


def database_reached(connection: Connection) -> URL:
    """The database the server says this connection opened, and where that server runs."""
    backend = connection.dialect.name
    if backend == "sqlite":
        main = connection.exec_driver_sql("PRAGMA database_list").first()
        return make_url("sqlite://").set(database=main[2] if main else None)
    name, host, port = connection.exec_driver_sql(DATABASE_REACHED[backend]).one()
    return make_url(f"{backend}://").set(database=name, host=host or "local socket", port=port)
