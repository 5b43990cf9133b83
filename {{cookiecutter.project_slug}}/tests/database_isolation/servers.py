"""The test databases on a server (PostgreSQL, MySQL/MariaDB): create, clone, drop, reclaim.

conftest.py calls these, and lists this module in ``pytest_plugins`` for its hooks: the guard
(guard.py) before the first connection, the skips of tests about another backend, and the drop
of what the run created. Every function that creates or drops a database first checks that the
name carries the test marker, so no path through this module can touch a database that was not
made for testing. What the suite creates is tagged with the run's id, and the run holds a server
lock named after it until it ends: a later run reclaims only what a dead run left.
"""

import os
import re
import time
import uuid
from collections.abc import Callable, Generator, Iterator
from contextlib import ExitStack, contextmanager, suppress

import pytest
from sqlalchemy import Connection, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError, OperationalError

from database_isolation import guard
from database_isolation.guard import TEST_MARKER, require_test_database, where

# The suite runs on the driver TEST_DATABASE_URL names, the app's own (postgresql+asyncpg://,
# mysql+asyncmy://...). Administration (this module, Alembic, the escape checks) needs a sync
# driver: the URL's when it names one, else the backend's default below, the one thing added.
SYNC_DRIVERS = {"sqlite": "pysqlite", "postgresql": "psycopg", "mysql": "pymysql"}
NAMED_SYNC_DRIVERS = {"pysqlite", "psycopg", "psycopg2", "pymysql", "mysqldb"}
{%- if cookiecutter.api == "async" %}
# The async engine's: the URL's when it names an async one, else the backend's default.
ASYNC_DRIVERS = {"sqlite": "aiosqlite", "postgresql": "psycopg", "mysql": "aiomysql"}
NAMED_ASYNC_DRIVERS = {"aiosqlite", "psycopg", "psycopg_async", "asyncpg", "aiomysql", "asyncmy"}
{%- endif %}
# A database every server has, to send CREATE and DROP DATABASE from.
SERVER_DATABASES = {"postgresql": "postgres", "mysql": "information_schema"}
# PostgreSQL and MySQL allow 63 and 64 characters in a name: room for "_gw12_0123abcd_test".
LONGEST_NAME = 63
# A worker's clone (gw0, gw1...), or the run's scratch database ("gw" alone, see escapes.py).
CLONE_SUFFIX = re.compile(r"_gw[0-9]*_([0-9a-f]{8})" + TEST_MARKER)
# Written on each database the suite creates (PostgreSQL's COMMENT ON DATABASE, MariaDB's
# schema comment), followed by the run id: what lets a later run recognise it as the suite's.
OWNER_TAG = "made by the test suite (tests/database_isolation), run "
# How a server says "wrong user or password" rather than "nobody is listening".
AUTHENTICATION_FAILED = re.compile(
    r"authentication failed|role .* does not exist|pg_hba\.conf|no password supplied"
    r"|^\(?(1044|1045|1698)\b|Access denied",
)

# MySQL and MariaDB commit the open transaction before these statements (DDL and friends):
# inside a test they would make everything the test wrote so far permanent.
IMPLICIT_COMMIT = re.compile(
    r"\s*(ALTER|CREATE(?!\s+TEMPORARY)|DROP(?!\s+TEMPORARY)|RENAME|TRUNCATE|GRANT|REVOKE"
    r"|LOCK\s+TABLES|UNLOCK\s+TABLES|ANALYZE|OPTIMIZE|REPAIR|FLUSH|START\s+TRANSACTION)\b",
    re.IGNORECASE,
)


class ImplicitCommitError(RuntimeError):
    """A statement that would commit the test's transaction behind its back."""


def with_driver(url: URL, named: set[str], defaults: dict[str, str]) -> URL:
    """``url`` as it is when it names a driver in ``named``, else with the backend's default."""
    backend = url.get_backend_name()
    if "+" in url.drivername and url.get_driver_name() in named:
        return url
    return url.set(drivername=f"{backend}+{defaults[backend]}")


def sync_driver(url: URL) -> URL:
    """``url`` with a sync driver: the one it names, or the backend's default."""
    return with_driver(url, NAMED_SYNC_DRIVERS, SYNC_DRIVERS)
{%- if cookiecutter.api == "async" %}


def async_driver_of(url: URL) -> URL:
    """``url`` with an async driver: the one it names, or the backend's default."""
    return with_driver(url, NAMED_ASYNC_DRIVERS, ASYNC_DRIVERS)
{%- endif %}


def test_database_url() -> URL:
    """TEST_DATABASE_URL, or a private in-memory SQLite database when it is unset or empty.

    conftest.py reads it on import, where an error would print a traceback: a URL that cannot
    be read stands in as SQLite in memory until pytest_configure stops the run with one line.
    """
    try:
        return guard.parse_test_database_url(os.environ.get("TEST_DATABASE_URL") or "sqlite://")
    except pytest.UsageError:
        return make_url("sqlite://")


def database_of_this_process() -> URL:
    """Where this process's tests run: TEST_DATABASE_URL, or under xdist the worker's own copy."""
    url = test_database_url()
    worker = os.environ.get("PYTEST_XDIST_WORKER")  # "gw0", "gw1", ... under pytest -n
    if worker is None or url.get_backend_name() == "sqlite":
        return url
    # Set by xdist in each worker: the controller's run id, the same in all its workers.
    return worker_database(url, worker, os.environ["PYTEST_XDIST_TESTRUNUID"][:8])


def app_database_url() -> str:
    """This process's database as a URL the app's settings take, with the app's driver."""
    url = {{ "async_driver_of" if cookiecutter.api == "async" else "sync_driver" }}(database_of_this_process())
    return url.render_as_string(hide_password=False)


def setup_failure(url: URL, error: OperationalError) -> pytest.UsageError:
    """One line for a server that would not let us in: who refused whom, or who is not there."""
    reason = " ".join(str(error.orig or "connection failed").split()).rstrip(".")
    server = f"{url.host or 'localhost'}:{url.port or guard.DEFAULT_PORTS[url.get_backend_name()]}"
    if AUTHENTICATION_FAILED.search(reason):
        return pytest.UsageError(
            f"the server at {server} refused user {url.username!r} ({reason}): check the user "
            "and password in TEST_DATABASE_URL (percent-encoded if they hold @ : / ? # %)."
        )
    return pytest.UsageError(
        f"cannot reach the server at {server} ({reason}): start it, or fix the host and port "
        "in TEST_DATABASE_URL, or unset TEST_DATABASE_URL to run the tests on SQLite."
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
    guard.administration_engines.add(engine)
    try:
        try:
            connection = engine.connect()
        except OperationalError as error:
            raise setup_failure(url, error) from None
        with connection:
            if connection.dialect.name == "mysql":
                # A DROP DATABASE must not wait a year for another session's lock.
                connection.exec_driver_sql("SET SESSION lock_wait_timeout = 10")
            yield connection
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


def is_mariadb(server: Connection) -> bool:
    return bool(getattr(server.dialect, "is_mariadb", False))


def create_database(server: Connection, name: str, run: str) -> None:
    """Create ``name``, tagged as this run's where the server keeps a comment on a database."""
    require_test_database(server.engine.url.set(database=name))
    tag = f"'{OWNER_TAG}{run}'"
    if server.dialect.name == "postgresql":
        server.exec_driver_sql(f"CREATE DATABASE {quote(server, name)}")
        server.exec_driver_sql(f"COMMENT ON DATABASE {quote(server, name)} IS {tag}")
    else:
        comment = f" COMMENT {tag}" if is_mariadb(server) else ""  # MySQL keeps none
        server.exec_driver_sql(
            f"CREATE DATABASE {quote(server, name)} CHARACTER SET utf8mb4{comment}"
        )


def drop_database_if_exists(server: Connection, name: str, *, force: bool = False) -> None:
    """Drop ``name``; ``force`` (this run's clones only) ends connections still open on it."""
    require_test_database(server.engine.url.set(database=name))
    suffix = " WITH (FORCE)" if force and server.dialect.name == "postgresql" else ""
    server.exec_driver_sql(f"DROP DATABASE IF EXISTS {quote(server, name)}{suffix}")


def databases_of_the_suite(server: Connection) -> dict[str, str]:
    """Every database on the server the suite made, with the run that made it."""
    if server.dialect.name == "postgresql":
        query = "SELECT datname, shobj_description(oid, 'pg_database') FROM pg_database"
    elif is_mariadb(server):
        query = "SELECT schema_name, schema_comment FROM information_schema.schemata"
    else:
        query = "SELECT schema_name, '' FROM information_schema.schemata"
    owned = {}
    for name, comment in server.execute(text(query)):
        clone = CLONE_SUFFIX.search(name)
        if comment and comment.startswith(OWNER_TAG):
            owned[name] = comment.removeprefix(OWNER_TAG)
        elif clone and server.dialect.name == "mysql":
            owned[name] = clone.group(1)  # MySQL keeps no comment: the clone's name says it
    return owned


def run_lock_name(run: str) -> str:
    return f"database_isolation run {run}"


@contextmanager
def holding(server: Connection, lock: str, *, wait: int = 60) -> Iterator[None]:
    """A server-wide named lock, held on ``server`` for the block (and by no other session)."""
    if server.dialect.name == "postgresql":
        server.execute(text("SELECT pg_advisory_lock(hashtextextended(:lock, 0))"), {"lock": lock})
    else:
        server.execute(text("SELECT GET_LOCK(:lock, :wait)"), {"lock": lock, "wait": wait})
    try:
        yield
    finally:
        if server.dialect.name == "postgresql":
            unlock = "SELECT pg_advisory_unlock(hashtextextended(:lock, 0))"
        else:
            unlock = "SELECT RELEASE_LOCK(:lock)"
        server.execute(text(unlock), {"lock": lock})


def run_is_alive(server: Connection, run: str) -> bool:
    """A run holds its lock from its first statement to its end: free means it died."""
    lock = {"lock": run_lock_name(run)}
    if server.dialect.name == "mysql":
        return not server.scalar(text("SELECT IS_FREE_LOCK(:lock)"), lock)
    taken = server.scalar(text("SELECT pg_try_advisory_lock(hashtextextended(:lock, 0))"), lock)
    if taken:
        server.execute(text("SELECT pg_advisory_unlock(hashtextextended(:lock, 0))"), lock)
    return not taken


def is_in_use(server: Connection, name: str) -> bool:
    """Whether a client is connected to ``name``. An autovacuum worker, there to clean up after
    the rolled-back rows, is no client: DROP DATABASE stops it."""
    if server.dialect.name == "postgresql":
        query = (
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = :name AND backend_type = 'client backend'"
        )
    else:
        query = "SELECT count(*) FROM information_schema.processlist WHERE db = :name"
    return bool(server.scalar(text(query), {"name": name}))


def clone_stem(url: URL) -> str:
    """The start of every clone's name: ``app_test`` gives ``app``, cut to leave room."""
    return (url.database or "").removesuffix(TEST_MARKER)[: LONGEST_NAME - 19]


def reclaim_abandoned_databases(server: Connection, url: URL, run: str) -> None:
    """Drop what killed runs left of this test database: itself or its clones, when the suite
    made them, their run is over and nobody is connected. Any other database stays."""
    for name, owner in databases_of_the_suite(server).items():
        ours = name == url.database or name.startswith(f"{clone_stem(url)}_gw")
        if not ours or owner == run or run_is_alive(server, owner) or is_in_use(server, name):
            continue
        with suppress(DBAPIError):  # somebody connected to it in the meantime: it stays
            drop_database_if_exists(server, name)


def worker_database(url: URL, worker: str, run: str) -> URL:
    """The worker's database, unique to the run: ``app_test`` becomes ``app_gw0_0123abcd_test``."""
    return url.set(database=f"{clone_stem(url)}_{worker}_{run}{TEST_MARKER}")


def clone_database(template: URL, clone: URL, run: str) -> None:
    """Create ``clone`` as a copy of the migrated ``template``, without migrating again."""
    require_test_database(template)
    require_test_database(clone)
    with server_connection(template) as server, holding(server, template_lock_name(template)):
        if server.dialect.name == "postgresql":
            create_by_file_copy(server, str(template.database), str(clone.database), run)
        else:
            create_database(server, str(clone.database), run)
            copy_tables(server, str(template.database), str(clone.database))


def template_lock_name(url: URL) -> str:
    """Held while the test database is migrated or copied: a copy sees no half-done migration."""
    return f"database_isolation template {url.database}"


def create_by_file_copy(
    server: Connection, template: str, clone: str, run: str, *, attempts: int = 40
) -> None:
    """CREATE DATABASE ... TEMPLATE, the cheapest copy there is. It refuses a template anybody
    is connected to: another run's check of it is brief, so try again for a while."""
    statement = f"CREATE DATABASE {quote(server, clone)} TEMPLATE {quote(server, template)}"
    for attempt in range(1, attempts + 1):
        try:
            server.exec_driver_sql(statement)
            break
        except OperationalError as error:
            if "is being accessed by other users" not in str(error.orig):
                raise
            if attempt == attempts:
                raise template_in_use(server, template, error) from None
            time.sleep(0.25)
    server.exec_driver_sql(f"COMMENT ON DATABASE {quote(server, clone)} IS '{OWNER_TAG}{run}'")


def template_in_use(server: Connection, template: str, error: OperationalError) -> RuntimeError:
    """One line for a copy the server refused: the test database is held by another session
    (the server was reached; that session must go), named as the server knows it."""
    holders = server.execute(
        text(
            "SELECT pid, coalesce(nullif(application_name, ''), 'no application name'),"
            " coalesce(client_addr::text, 'local socket') FROM pg_stat_activity"
            " WHERE datname = :name AND pid <> pg_backend_pid()"
        ),
        {"name": template},
    ).all()
    sessions = "; ".join(f"pid {pid}, {app}, from {client}" for pid, app, client in holders)
    reason = " ".join(str(error.orig).split()).rstrip(".")
    return RuntimeError(
        f"cannot copy the test database {template!r} for this worker ({reason}): another "
        f"session stayed connected to it ({sessions or 'gone now'}). Close it (a psql shell, "
        "an IDE, a running app), or run without -n, then run the tests again."
    )


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

RUN = pytest.StashKey[str]()  # this run's id, shared with its xdist workers
CREATED_DATABASE = pytest.StashKey[bool]()
MIGRATION = pytest.StashKey[Callable[[Connection], None]]()  # what built the test database
RUN_LOCK = pytest.StashKey[ExitStack]()  # the server connection that holds the run's lock
CLEANUP_FAILURE = pytest.StashKey[str]()


def pytest_configure(config: pytest.Config) -> None:
    """Refuse a database not made for testing, before a single connection; then check what
    every connection actually opened. Give the run an id its xdist workers share."""
    url = guard.parse_test_database_url(os.environ.get("TEST_DATABASE_URL") or "sqlite://")
    require_test_database(url)
    guard.verify_every_connection()
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID") or getattr(config.option, "testrunuid", None)
    run = run or uuid.uuid4().hex
    config.option.testrunuid = run  # xdist hands this one to its workers
    config.stash[RUN] = run[:8]


def create_and_migrate(
    config: pytest.Config, url: URL, migrate: Callable[[Connection], None]
) -> None:
    """Create the server database unless it exists, and build its schema with ``migrate``.

    The run takes its lock first, and keeps it to the end: a later run knows by it that this
    run's databases are still in use. A database it created is dropped if the migration fails
    or a guard stops it.
    """
    run = config.stash[RUN]
    config.stash[MIGRATION] = migrate
    config.stash[RUN_LOCK] = stack = ExitStack()
    server = stack.enter_context(server_connection(url))
    stack.enter_context(holding(server, run_lock_name(run)))
    with holding(server, template_lock_name(url)):
        reclaim_abandoned_databases(server, url, run)
        created = not database_exists(server, str(url.database))
        if created:
            create_database(server, str(url.database), run)
        config.stash[CREATED_DATABASE] = created
        try:
            migrate_database(url, migrate)
        except Exception as error:
            if created:
                drop_database_if_exists(server, str(url.database))
            if isinstance(error, pytest.UsageError):  # a guard's line: it says what happened
                raise
            if isinstance(error, pytest.exit.Exception):  # SCHEMA's own line: it names the fix
                raise pytest.UsageError(error.msg) from None
            gone = " (this run created it, and dropped it again)" if created else ""
            reason = " ".join(f"{type(error).__name__}: {error}".split())[:300]
            raise pytest.UsageError(
                f"the migrations failed on {where(url)}{gone}: {reason}. Fix the migration, "
                "then run the tests again."
            ) from None


def migrate_database(url: URL, migrate: Callable[[Connection], None]) -> None:
    engine = create_engine(sync_driver(url))
    try:
        with engine.begin() as connection:
            migrate(connection)
    finally:
        # Workers clone this database with CREATE DATABASE ... TEMPLATE, which refuses a
        # template that still has open connections.
        engine.dispose()


@pytest.fixture(scope="session")
def database_url(pytestconfig: pytest.Config) -> URL:
    """Where this process's tests run: SQLite, the server database, or this worker's clone.

    Each xdist worker gets a copy of the migrated database: no worker sees another's rows, and
    the copy costs a file copy on the server, not another run of the migrations. The run's
    controller drops the copies at the end.
    """
    url, clone = test_database_url(), database_of_this_process()
    if clone != url:
        clone_database(url, clone, pytestconfig.stash[RUN])
    return clone


@pytest.hookimpl(wrapper=True, trylast=True)  # inside the terminal's: its summary still shows
def pytest_sessionfinish(session: pytest.Session) -> Generator[None, None, None]:
    """After the other plugins' end-of-run work, in the run's controller: drop this run's
    clones, and the database if this run created it and nobody else uses it now (a database
    we found stays untouched). A server gone mid-run fails that work: its cause is reported
    once, after the tests' own results, instead of a traceback that would replace them."""
    config = session.config
    try:
        yield
    except DBAPIError as error:
        note_lost_server(config, error)
    if RUN_LOCK not in config.stash:
        return  # SQLite, an xdist worker, or a run that stopped before its setup
    try:
        with config.stash[RUN_LOCK]:
            drop_what_this_run_made(config, test_database_url())
    except (pytest.UsageError, DBAPIError) as error:
        note_lost_server(config, error)


def note_lost_server(config: pytest.Config, error: Exception) -> None:
    if CLEANUP_FAILURE not in config.stash:  # the first failure says why; the rest follow
        reason = " ".join(str(getattr(error, "orig", None) or error).split())
        config.stash[CLEANUP_FAILURE] = (
            f"database_isolation could not finish the run's database work ({reason}); the next "
            "run reclaims what this run left on the server."
        )


def drop_what_this_run_made(config: pytest.Config, url: URL) -> None:
    run = config.stash[RUN]
    with server_connection(url) as server:
        for name, owner in databases_of_the_suite(server).items():
            if owner == run and name.startswith(f"{clone_stem(url)}_gw"):
                drop_database_if_exists(server, name, force=True)
        created = config.stash.get(CREATED_DATABASE, False)
        if created and not still_in_use(server, str(url.database)):
            drop_database_if_exists(server, str(url.database))


def still_in_use(server: Connection, name: str, seconds: float = 3) -> bool:
    """Whether ``name`` is in use after a wait: the server ends a closed connection's session a
    moment after the client (a served app, a command the tests ran) has gone."""
    deadline = time.monotonic() + seconds
    while is_in_use(server, name):
        if time.monotonic() > deadline:
            return True
        time.sleep(0.1)
    return False


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The cause of a failed clean-up, once, after the summary of the tests."""
    failure = terminalreporter.config.stash.get(CLEANUP_FAILURE, None)
    if failure:
        terminalreporter.write_line(failure, red=True)


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


def role_and_createdb(server: Connection) -> tuple[str, bool]:
    """The PostgreSQL role connected, and whether it may create databases."""
    role, may_create = server.execute(
        text("SELECT rolname, rolcreatedb OR rolsuper FROM pg_roles WHERE rolname = current_user")
    ).one()
    return str(role), bool(may_create)


def require_createdb_where_needed(url: URL, workers: bool) -> None:
    """A role without CREATEDB runs the suite serially in a test database made for it in
    advance; anything more stops here, in one line naming the privilege and the fix."""
    with server_connection(url) as server:
        role, may_create = role_and_createdb(server)
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
