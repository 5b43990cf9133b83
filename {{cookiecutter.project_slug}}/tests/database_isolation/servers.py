"""The test databases on a server (PostgreSQL, MySQL/MariaDB): guard, create, clone, drop.

conftest.py calls these, and lists this module in ``pytest_plugins`` for its hooks: the guard
before the first statement, the skips of tests about another backend, and the drop of a
database the run created. Every function that creates or drops a database first checks that
the name carries the test marker, so no path through this module can touch a database that was
not made for testing.
"""

import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import Connection, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, OperationalError

TEST_MARKER = "_test"
# Names are spliced into CREATE/DROP DATABASE, which take no bind parameters: allow no quoting.
TEST_DATABASE_NAME = re.compile(rf"[a-z0-9_]+{TEST_MARKER}")

# One driver per backend{{ " for each flavour of engine" if cookiecutter.api == "async" }}: the same TEST_DATABASE_URL serves sync
# administration (this module, Alembic) and the suite's own engine{{ ", which is async" if cookiecutter.api == "async" }}.
SYNC_DRIVERS = {"sqlite": "pysqlite", "postgresql": "psycopg", "mysql": "pymysql"}
{%- if cookiecutter.api == "async" %}
ASYNC_DRIVERS = {"sqlite": "aiosqlite", "postgresql": "psycopg", "mysql": "aiomysql"}
{%- endif %}
DEFAULT_PORTS = {"postgresql": 5432, "mysql": 3306}
# A database every server has, to send CREATE and DROP DATABASE from.
SERVER_DATABASES = {"postgresql": "postgres", "mysql": "information_schema"}

# MySQL and MariaDB commit the open transaction before these statements (DDL and friends):
# inside a test they would make everything the test wrote so far permanent.
IMPLICIT_COMMIT = re.compile(
    r"\s*(ALTER|CREATE(?!\s+TEMPORARY)|DROP(?!\s+TEMPORARY)|RENAME|TRUNCATE|GRANT|REVOKE"
    r"|LOCK\s+TABLES|UNLOCK\s+TABLES|ANALYZE|OPTIMIZE|REPAIR|FLUSH|START\s+TRANSACTION)\b",
    re.IGNORECASE,
)


class ImplicitCommitError(RuntimeError):
    """A statement that would commit the test's transaction behind its back."""


def sync_driver(url: URL) -> URL:
    """``url`` with the backend's sync driver, whichever driver it named."""
    return url.set(drivername=f"{url.get_backend_name()}+{SYNC_DRIVERS[url.get_backend_name()]}")
{%- if cookiecutter.api == "async" %}


def async_driver_of(url: URL) -> URL:
    """``url`` with the backend's async driver, whichever driver it named."""
    return url.set(drivername=f"{url.get_backend_name()}+{ASYNC_DRIVERS[url.get_backend_name()]}")
{%- endif %}


def test_database_url() -> URL:
    """TEST_DATABASE_URL, or a private in-memory SQLite database when it is unset or empty."""
    value = os.environ.get("TEST_DATABASE_URL") or "sqlite://"
    try:
        return make_url(value)
    except ArgumentError:
        raise pytest.UsageError(
            "TEST_DATABASE_URL is not a database URL (dialect+driver://user:password@host/name_test)"
        ) from None


def database_of_this_process() -> URL:
    """Where this process's tests run: TEST_DATABASE_URL, or under xdist the worker's own copy."""
    url = test_database_url()
    worker = os.environ.get("PYTEST_XDIST_WORKER")  # "gw0", "gw1", ... under pytest -n
    if worker is None or url.get_backend_name() == "sqlite":
        return url
    return worker_database(url, worker)


def app_database_url() -> str:
    """This process's database as a URL the app's settings take, with the app's driver."""
    url = {{ "async_driver_of" if cookiecutter.api == "async" else "sync_driver" }}(database_of_this_process())
    return url.render_as_string(hide_password=False)


def describe(url: URL) -> str:
    """Where ``url`` points, for messages: never the password."""
    port = url.port or DEFAULT_PORTS.get(url.get_backend_name())
    return f"database {url.database!r} on {url.host or 'localhost'}:{port}"


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
    """An autocommit connection to the server itself, for CREATE and DROP DATABASE."""
    url = sync_driver(url)
    engine = create_engine(
        url.set(database=SERVER_DATABASES[url.get_backend_name()]),
        isolation_level="AUTOCOMMIT",
        connect_args={"connect_timeout": 5},
    )
    try:
        with engine.connect() as connection:
            yield connection
    except OperationalError as error:
        reason = " ".join(str(error.orig or "connection failed").split()).rstrip(".")
        raise pytest.UsageError(
            f"cannot reach the server for {describe(url)} ({reason}). Start one "
            "(docker compose up -d db) or unset TEST_DATABASE_URL to run the tests on SQLite."
        ) from None
    finally:
        engine.dispose()


def quote(server: Connection, name: str) -> str:
    return server.dialect.identifier_preparer.quote_identifier(name)


def database_exists(server: Connection, name: str) -> bool:
    if server.dialect.name == "postgresql":
        query = "SELECT 1 FROM pg_database WHERE datname = :name"
    else:
        query = "SELECT 1 FROM information_schema.schemata WHERE schema_name = :name"
    return server.scalar(text(query), {"name": name}) is not None


def create_database(server: Connection, name: str) -> None:
    suffix = " CHARACTER SET utf8mb4" if server.dialect.name == "mysql" else ""
    server.exec_driver_sql(f"CREATE DATABASE {quote(server, name)}{suffix}")


def drop_database_if_exists(server: Connection, name: str) -> None:
    # WITH (FORCE): a connection a killed run left behind must not keep the database alive.
    suffix = " WITH (FORCE)" if server.dialect.name == "postgresql" else ""
    server.exec_driver_sql(f"DROP DATABASE IF EXISTS {quote(server, name)}{suffix}")


def create_database_if_missing(url: URL) -> bool:
    """Create the test database unless it exists; True when this call created it."""
    require_test_database(url)
    with server_connection(url) as server:
        if database_exists(server, str(url.database)):
            return False
        create_database(server, str(url.database))
    return True


def worker_database(url: URL, worker: str) -> URL:
    """The per-worker database name: ``app_test`` becomes ``app_gw0_test``, still marked."""
    stem = (url.database or "").removesuffix(TEST_MARKER)
    return url.set(database=f"{stem}_{worker}{TEST_MARKER}")


def clone_database(template: URL, clone: URL) -> None:
    """(Re)create ``clone`` as a copy of the migrated ``template``, without migrating again.

    A clone left behind by a killed run is dropped first, so it cannot break this one.
    """
    require_test_database(template)
    require_test_database(clone)
    with server_connection(template) as server:
        drop_database_if_exists(server, str(clone.database))
        if server.dialect.name == "postgresql":
            # A file-level copy on the server: the cheapest clone there is.
            target = quote(server, str(clone.database))
            source = quote(server, str(template.database))
            server.exec_driver_sql(f"CREATE DATABASE {target} TEMPLATE {source}")
        else:
            create_database(server, str(clone.database))
            copy_tables(server, str(template.database), str(clone.database))


def copy_tables(server: Connection, source: str, target: str) -> None:
    """MySQL has no database templates: replay each table's own CREATE TABLE, then its rows.

    SHOW CREATE TABLE keeps foreign keys, which CREATE TABLE ... LIKE would silently drop.
    """
    tables = server.scalars(
        text(
            "SELECT table_name FROM information_schema.tables"
            " WHERE table_schema = :source AND table_type = 'BASE TABLE'"
        ),
        {"source": source},
    ).all()
    server.exec_driver_sql(f"USE {quote(server, target)}")
    server.exec_driver_sql("SET FOREIGN_KEY_CHECKS = 0")  # tables arrive in any order
    for table in tables:
        source_table = f"{quote(server, source)}.{quote(server, table)}"
        create_table = server.exec_driver_sql(f"SHOW CREATE TABLE {source_table}").one()[1]
        server.exec_driver_sql(create_table)
        server.exec_driver_sql(f"INSERT INTO {quote(server, table)} SELECT * FROM {source_table}")
    server.exec_driver_sql("SET FOREIGN_KEY_CHECKS = 1")


def drop_database(url: URL) -> None:
    """Drop a database this run created (and only a marked one)."""
    require_test_database(url)
    with server_connection(url) as server:
        drop_database_if_exists(server, str(url.database))


def refuse_implicit_commits_on(connection: Connection) -> None:
    """On MySQL, fail a test whose statement would commit its transaction behind its back."""
    event.listen(connection, "before_cursor_execute", refuse_implicit_commits)


def refuse_implicit_commits(
    _connection: Connection, _cursor: object, statement: str, *_args: object
) -> None:
    """A before_cursor_execute listener for the test connection on MySQL: fail the test
    instead of letting a DDL statement commit its transaction."""
    if IMPLICIT_COMMIT.match(statement):
        raise ImplicitCommitError(
            "MySQL would commit the test's transaction before this statement, making the "
            f"test's writes permanent: {' '.join(statement.split())[:200]}. Run DDL outside "
            "the test transaction (see the migration tests), or use a TEMPORARY table."
        )


# ---- Hooks: the guard, the backend markers, and the database's life ---------------------------

CREATED_DATABASE = pytest.StashKey[bool]()


def pytest_configure(config: pytest.Config) -> None:
    """Refuse a server database not made for testing, before a single statement is sent."""
    url = test_database_url()
    if url.get_backend_name() != "sqlite":
        require_test_database(url)


def create_and_migrate(
    config: pytest.Config, url: URL, migrate: Callable[[Connection], None]
) -> None:
    """Create the server database unless it exists, and build its schema with ``migrate``."""
    config.stash[CREATED_DATABASE] = create_database_if_missing(url)
    engine = create_engine(sync_driver(url))
    with engine.begin() as connection:
        migrate(connection)
    # Workers clone this database with CREATE DATABASE ... TEMPLATE, which refuses a template
    # that still has open connections.
    engine.dispose()


@pytest.fixture(scope="session")
def database_url() -> Iterator[URL]:
    """Where this process's tests run: SQLite, the server database, or this worker's clone."""
    url, clone = test_database_url(), database_of_this_process()
    if clone != url:
        # Each xdist worker gets a copy of the migrated database: no worker sees another's
        # rows, and the copy costs a file copy on the server, not another run of the migrations.
        clone_database(url, clone)
    yield clone
    if clone != url:
        drop_database(clone)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Drop the server database if this run created it; a database we found stays untouched."""
    if session.config.stash.get(CREATED_DATABASE, False):
        drop_database(test_database_url())


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests about one kind of backend are skipped, with the reason, on the others."""
    backend = test_database_url().get_backend_name()
    wrong_backend = {
        "server": "needs a database server: set TEST_DATABASE_URL to a …_test database",
        "mysql": "MySQL only: set TEST_DATABASE_URL=mysql+pymysql://…/name_test",
    }
    if backend != "sqlite":
        del wrong_backend["server"]
    if backend == "mysql":
        del wrong_backend["mysql"]
    for item in items:
        for marker, reason in wrong_backend.items():
            if marker in item.keywords:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session: pytest.Session) -> None:
    """Before conftest.py creates, migrates or copies a PostgreSQL database: may the role?"""
    url = test_database_url()
    if url.get_backend_name() == "postgresql" and not os.environ.get("PYTEST_XDIST_WORKER"):
        workers = bool(getattr(session.config.option, "numprocesses", None))  # pytest -n N
        require_createdb_where_needed(url, workers)


def require_createdb_where_needed(url: URL, workers: bool) -> None:
    """A role without CREATEDB runs the suite serially in a test database made for it in
    advance; anything more stops here, in one line naming the privilege and the fix."""
    with server_connection(url) as server:
        role, may_create = server.execute(
            text(
                "SELECT rolname, rolcreatedb OR rolsuper FROM pg_roles"
                " WHERE rolname = current_user"
            )
        ).one()
        if may_create:
            return
        if not database_exists(server, str(url.database)):
            raise pytest.UsageError(
                f"role {role!r} may not create the test database {url.database!r} (it lacks "
                f"CREATEDB): create it in advance (CREATE DATABASE {url.database} OWNER {role}),"
                f" or ALTER ROLE {role} CREATEDB"
            )
        if workers:
            raise pytest.UsageError(
                f"pytest -n copies the test database for each worker, which needs CREATEDB, and "
                f"role {role!r} lacks it: ALTER ROLE {role} CREATEDB, or run without -n"
            )
