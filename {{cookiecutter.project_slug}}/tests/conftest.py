{%- set is_async = cookiecutter.api == "async" -%}
{%- set async_, await_ = ("async ", "await ") if is_async else ("", "") -%}
{%- set Iterator = "AsyncIterator" if is_async else "Iterator" -%}
{%- set Engine, Connection = ("AsyncEngine", "AsyncConnection") if is_async else ("Engine", "Connection") -%}
{%- set Transaction = "AsyncTransaction" if is_async else "RootTransaction" -%}
{%- set Session = "AsyncSession" if is_async else "Session" -%}
{%- set sessionmaker = "async_sessionmaker" if is_async else "sessionmaker" -%}
"""Every test runs inside one database transaction that is rolled back when the test ends.

Read this file top to bottom: it is the life of one test.

    engine        once per run     SQLite in memory, or the server in TEST_DATABASE_URL,
                                   with the schema built by the migrations (or metadata)
    connection    once per run     (per xdist worker) one connection, reused by every test
    transaction   per test         BEGIN ... ROLLBACK: the one boundary no test code reaches
    session       per test         joins through a SAVEPOINT: its commit() only RELEASEs it
    client        per test         the app's own session dependency, bound to that connection

So app code commits and rolls back exactly as in production; each commit ends a SAVEPOINT,
never the outer transaction, and the ROLLBACK at the end of the test undoes all of it.
`pytest --sql-log` shows it happen; docs/testing.md explains it layer by layer. To use this
file in another project, copy it with databases.py and edit the marked block below only.
"""

import inspect
import os
from collections.abc import {{ "AsyncIterator, Callable, Iterator" if is_async else "Callable, Iterator" }}
from contextlib import AbstractContextManager, contextmanager
from functools import partial
from pathlib import Path
from typing import Any

import factory.random
import pytest
from alembic import command
from alembic.config import Config
from fastapi import FastAPI
{%- if is_async %}
from httpx2 import ASGITransport, AsyncClient
from sqlalchemy import Connection, Engine, MetaData, StaticPool, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
{%- if cookiecutter.orm == "sqlalchemy" %}
    AsyncSession,
{%- endif %}
    AsyncTransaction,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm.session import JoinTransactionMode
{%- if cookiecutter.orm == "sqlmodel" %}
from sqlmodel.ext.asyncio.session import AsyncSession
{%- endif %}
{%- else %}
from fastapi.testclient import TestClient
from sqlalchemy import (
    Connection,
    Engine,
    MetaData,
    RootTransaction,
    StaticPool,
    create_engine,
    event,
)
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import {{ "sessionmaker" if cookiecutter.orm == "sqlmodel" else "Session, sessionmaker" }}
from sqlalchemy.orm.session import JoinTransactionMode
{%- if cookiecutter.orm == "sqlmodel" %}
from sqlmodel import Session
{%- endif %}
{%- endif %}

# ---- Adapt this block when you copy this file (and databases.py) into another project -------
# The dependency your endpoints get their session from: one that returns the sessionmaker (as
# here: your session dependency then runs unchanged), or one that yields the session itself.
from {{ cookiecutter.package_name }}.db import get_session_factory as app_session_dependency
from {{ cookiecutter.package_name }}.main import create_app
from {{ cookiecutter.package_name }}.settings import Settings
from tests import databases

# Where the schema comes from: your alembic.ini (its migrations run), or your models' MetaData.
SCHEMA: Path | MetaData = Path(__file__).parents[1] / "alembic.ini"


def make_app(database_url: str) -> FastAPI:
    """The app under test, given the test database's URL in case it opens an engine of its own."""
    return create_app(Settings(database_url=database_url))


# ---------------------------------------------------------------------------------------------

# The one place the database mode is chosen. Unset: a private in-memory SQLite database, no
# server needed. Set to a database whose name ends in _test: that server, the same tests.
#   postgresql+psycopg://user:password@host:5432/name_test
#   mysql+pymysql://user:password@host:3306/name_test        (MySQL 8, MariaDB 10.11+)
TEST_DATABASE_URL = make_url(os.environ.get("TEST_DATABASE_URL", "sqlite://"))
BACKEND = TEST_DATABASE_URL.get_backend_name()
ON_SQLITE = BACKEND == "sqlite"
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER")  # "gw0", "gw1", ... under pytest -n
CREATED_DATABASE = pytest.StashKey[bool]()


def pytest_configure(config: pytest.Config) -> None:
    """Refuse a server database not made for testing, before a single statement is sent."""
    if not ON_SQLITE:
        databases.require_test_database(TEST_DATABASE_URL)


def pytest_sessionstart(session: pytest.Session) -> None:
    """Once per run, before xdist starts its workers: create the server database and migrate it."""
    if ON_SQLITE or XDIST_WORKER:
        return
    session.config.stash[CREATED_DATABASE] = databases.create_database_if_missing(TEST_DATABASE_URL)
    engine = create_engine(databases.sync_driver(TEST_DATABASE_URL))
    with engine.begin() as connection:
        migrate(connection)
    # Workers clone this database with CREATE DATABASE ... TEMPLATE, which refuses a template
    # that still has open connections.
    engine.dispose()


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Drop the server database if this run created it; a database we found stays untouched."""
    if session.config.stash.get(CREATED_DATABASE, False):
        databases.drop_database(TEST_DATABASE_URL)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests about one kind of backend are skipped, with the reason, on the others."""
    wrong_backend = {
        "server": "needs a database server: set TEST_DATABASE_URL to a …_test database",
        "mysql": "MySQL only: set TEST_DATABASE_URL=mysql+pymysql://…/name_test",
    }
    if not ON_SQLITE:
        del wrong_backend["server"]
    if BACKEND == "mysql":
        del wrong_backend["mysql"]
    for item in items:
        for marker, reason in wrong_backend.items():
            if marker in item.keywords:
                item.add_marker(pytest.mark.skip(reason=reason))


def migrate(connection: Connection) -> None:
    """Build the schema on ``connection``: run SCHEMA's migrations, or create its tables."""
    if isinstance(SCHEMA, MetaData):
        SCHEMA.create_all(connection)
    else:
        command.upgrade(alembic_config(connection), "head")


def alembic_config(connection: Connection | None = None) -> Config:
    assert isinstance(SCHEMA, Path), "SCHEMA names no alembic.ini: there are no migrations"
    config = Config(SCHEMA)
    # Migrate this very connection: an in-memory SQLite database exists nowhere else, and a
    # migration test must see (and roll back) its DDL inside the test's transaction.
    config.attributes["connection"] = connection
    return config


def use_sqlite_savepoints(engine: Engine) -> None:
    """SQLAlchemy's documented workaround for pysqlite's own transaction handling.

    Python's sqlite3 driver opens transactions late (before the first INSERT) and on its own
    terms, so a SAVEPOINT sent before that opens a transaction of its own, and RELEASE of it
    commits for real: every "isolated" commit would leak. Switch the driver's handling off and
    let SQLAlchemy emit BEGIN itself.
    """

    @event.listens_for(engine, "connect")
    def leave_transactions_to_sqlalchemy(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        # Not part of the workaround, but SQLite too: it ignores foreign keys unless asked, and
        # a test that passes here must pass on a server, which always enforces them.
        dbapi_connection.cursor().execute("PRAGMA foreign_keys=ON")

    @event.listens_for(engine, "begin")
    def emit_begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN")


def create_test_engine(url: URL) -> {{ Engine }}:
    url = databases.{{ "async_driver" if is_async else "sync_driver" }}(url)
    if not ON_SQLITE:
        return {{ "create_async_engine" if is_async else "create_engine" }}(url)
    # An in-memory database lives and dies with its one connection: StaticPool hands that same
{%- if is_async %}
    # connection to every checkout (the app's, the schema's, the test's). aiosqlite drives the
    # sqlite3 driver underneath, so the workaround goes on the sync engine beneath the async one.
    engine = create_async_engine(url, poolclass=StaticPool)
    use_sqlite_savepoints(engine.sync_engine)
{%- else %}
    # connection to every checkout (the app's, the schema's, the test's); check_same_thread=False
    # lets it move between threads, as TestClient runs endpoints in a thread of its own.
    engine = create_engine(url, poolclass=StaticPool, connect_args={"check_same_thread": False})
    use_sqlite_savepoints(engine)
{%- endif %}
    return engine


@pytest.fixture(scope="session")
def database_url() -> Iterator[URL]:
    """Where this process's tests run: SQLite, the server database, or this worker's clone."""
    if ON_SQLITE or not XDIST_WORKER:
        yield TEST_DATABASE_URL
        return
    # Each xdist worker gets a copy of the migrated database: no worker sees another's rows, and
    # the copy costs a file copy on the server, not another run of the migrations.
    clone = databases.worker_database(TEST_DATABASE_URL, XDIST_WORKER)
    databases.clone_database(TEST_DATABASE_URL, clone)
    yield clone
    databases.drop_database(clone)


@pytest.fixture(scope="session")
{{ async_ }}def engine(database_url: URL) -> {{ Iterator }}[{{ Engine }}]:
    engine = create_test_engine(database_url)
    if ON_SQLITE:
        # A new in-memory database is empty; a server database was migrated at session start.
        {{ async_ }}with engine.begin() as connection:
            {{ "await connection.run_sync(migrate)" if is_async else "migrate(connection)" }}
    yield engine
    {{ await_ }}engine.dispose()


@pytest.fixture(scope="session")
{{ async_ }}def shared_connection(engine: {{ Engine }}) -> {{ Iterator }}[{{ Connection }}]:
    """One connection for the run: checking one out per test would only add round trips."""
    {{ async_ }}with engine.connect() as connection:
        if BACKEND == "mysql":
            # MySQL commits the open transaction before any DDL: fail such a test instead.
            event.listen(
                connection{{ ".sync_connection" if is_async }},
                "before_cursor_execute",
                databases.refuse_implicit_commits,
            )
        yield connection


@pytest.fixture
{{ async_ }}def transaction(shared_connection: {{ Connection }}) -> {{ Iterator }}[{{ Transaction }}]:
    """The outer transaction: BEGIN now, ROLLBACK after the test, whatever the test committed."""
    transaction = {{ await_ }}shared_connection.begin()
    yield transaction
    {{ await_ }}transaction.rollback()


@pytest.fixture
def connection(
    shared_connection: {{ Connection }},
    transaction: {{ Transaction }},
) -> {{ Connection }}:
    """The test's connection, always inside the test's outer transaction."""
    return shared_connection


@pytest.fixture
{{ async_ }}def ddl_connection(
    connection: {{ Connection }},
    engine: {{ Engine }},
) -> {{ Iterator }}[{{ Connection }}]:
    """Where a test may run DDL (migrations): the test's own transaction, which rolls the DDL
    back, except on MySQL, where DDL commits: there a separate connection, outside any test
    transaction, committed at the end (Alembic's version row is plain DML), and the test must
    leave the schema as it found it."""
    if BACKEND != "mysql":
        yield connection
        return
    {{ async_ }}with engine.begin() as separate:
        yield separate


def sessions_joining(
    connection: {{ Connection }}, join_transaction_mode: JoinTransactionMode = "create_savepoint"
) -> {{ sessionmaker }}[{{ Session }}]:
    """Sessions on ``connection``, configured like the app's own, that join its transaction.

    With "create_savepoint" each session works inside a SAVEPOINT of its own: its commit()
    releases the SAVEPOINT and its rollback() rolls back to it, and neither reaches the outer
    transaction. test_join_modes_demo.py passes the other modes to show what they do instead:
    lose the test's own rows, and commit for real.
    """
{%- if is_async %}
    return async_sessionmaker(
        bind=connection,
        class_=AsyncSession,
        # As in the app: async code cannot load an attribute that a commit expired.
        expire_on_commit=False,
        join_transaction_mode=join_transaction_mode,
    )
{%- else %}
    return sessionmaker(
        bind=connection, class_=Session, join_transaction_mode=join_transaction_mode
    )
{%- endif %}


@pytest.fixture(scope="session")
def session_factory(shared_connection: {{ Connection }}) -> {{ sessionmaker }}[{{ Session }}]:
    """Made once: a session joins whatever transaction its connection is in when it starts,
    which during a test is that test's."""
    return sessions_joining(shared_connection)


@pytest.fixture
{{ async_ }}def session(
    session_factory: {{ sessionmaker }}[{{ Session }}], transaction: {{ Transaction }}
) -> {{ Iterator }}[{{ Session }}]:
{%- if is_async %}
    """The test's own session. Factories write through the sync Session underneath it.

    It asks for `transaction` only so that the test's transaction has begun: the session
    joins it when first used."""
    async with session_factory() as session:
        with databases.writing_to(session.sync_session):
            yield session
{%- else %}
    """The test's own session; factories write through it.

    It asks for `transaction` only so that the test's transaction has begun: the session
    joins it when first used."""
    with session_factory() as session, databases.writing_to(session):
        yield session
{%- endif %}


def sessions_for_the_app(session_factory: {{ sessionmaker }}[{{ Session }}]) -> Callable[[], Any]:
    """What stands in for app_session_dependency during a test, in the dependency's own shape.

    A dependency that returns the sessionmaker gets the test's, so the session dependency
    that calls it (here get_session, with its commit on success and rollback on error) runs
    exactly as in production. A dependency that yields the session is replaced by one that
    yields a session of the test's: code of its own around the yield does not run in tests.
    """
    if not inspect.{{ "isasyncgenfunction" if is_async else "isgeneratorfunction" }}(app_session_dependency):
        return lambda: session_factory

    {{ async_ }}def session_of_the_test() -> {{ Iterator }}[{{ Session }}]:
        {{ async_ }}with session_factory() as session:
            yield session

    return session_of_the_test
{%- if is_async %}


# The fixture is named "app"; its function is not, so the block above may import your `app`.
@pytest.fixture(scope="session", name="app")
async def app_under_test(database_url: URL) -> AsyncIterator[FastAPI]:
    url = databases.async_driver(database_url)
    app = make_app(url.render_as_string(hide_password=False))
    # ASGITransport sends requests only: run the app's lifespan here, once for the whole run.
    async with app.router.lifespan_context(app):
        yield app


@pytest.fixture
async def client(
    app: FastAPI,
    session_factory: async_sessionmaker[AsyncSession],
    transaction: AsyncTransaction,
) -> AsyncIterator[AsyncClient]:
    """The app, its sessions bound to this test's connection (and so inside the test's
    transaction), over real HTTP requests."""
    saved_overrides = dict(app.dependency_overrides)
    app.dependency_overrides[app_session_dependency] = sessions_for_the_app(session_factory)
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as client:
        yield client
    app.dependency_overrides.clear()
    app.dependency_overrides.update(saved_overrides)
{%- else %}


# The fixture is named "app"; its function is not, so the block above may import your `app`.
@pytest.fixture(scope="session", name="app")
def app_under_test(database_url: URL) -> FastAPI:
    return make_app(database_url.render_as_string(hide_password=False))


@pytest.fixture(scope="session")
def http_client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as client:  # runs the app's lifespan once for the whole run
        yield client


@pytest.fixture
def client(
    app: FastAPI,
    http_client: TestClient,
    session_factory: sessionmaker[Session],
    transaction: RootTransaction,
) -> Iterator[TestClient]:
    """The app, its sessions bound to this test's connection (and so inside the test's
    transaction)."""
    saved_overrides = dict(app.dependency_overrides)
    app.dependency_overrides[app_session_dependency] = sessions_for_the_app(session_factory)
    yield http_client
    app.dependency_overrides.clear()
    app.dependency_overrides.update(saved_overrides)
    http_client.cookies.clear()
{%- endif %}


@pytest.fixture(autouse=True)
def replayable_fake_data(request: pytest.FixtureRequest) -> None:
    """Seed Faker and factory-boy from the test's id: a failure replays in any test order."""
    factory.random.reseed_random(request.node.nodeid)
    databases.reset_factory_sequences()


# ---- Watching the SQL: what reaches the database, and which boundary each commit ends -------

TRANSACTION_STATEMENTS = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")
SQL_LOG = "sql_log"  # the user property that carries a test's log to the terminal summary


def is_transaction_statement(statement: str) -> bool:
    """BEGIN, COMMIT, ROLLBACK, and SAVEPOINT, RELEASE SAVEPOINT, ROLLBACK TO SAVEPOINT."""
    return statement.startswith(TRANSACTION_STATEMENTS)


def is_query(statement: str) -> bool:
    return not is_transaction_statement(statement)


@contextmanager
def recording_sql(
    connection: Connection, keep: Callable[[str], bool] = lambda _statement: True
) -> Iterator[list[str]]:
    """The statements sent on ``connection`` while the block runs, each BEGIN, COMMIT and
    ROLLBACK in its place; only those ``keep`` accepts."""
    sent: list[str] = []

    def record(statement: str) -> None:
        if keep(statement):
            sent.append(statement)

    def record_statement(_conn: Connection, _cursor: Any, statement: str, *_args: Any) -> None:
        # The SQLite workaround sends its BEGIN as a statement; the "begin" event records it.
        if statement != "BEGIN":
            record(statement)

    # A server's driver sends BEGIN, COMMIT and ROLLBACK itself: only these events show them.
    listeners: dict[str, Any] = {
        "before_cursor_execute": record_statement,
        "begin": lambda _conn: record("BEGIN"),
        "commit": lambda _conn: record("COMMIT"),
        "rollback": lambda _conn: record("ROLLBACK"),
    }
    for name, listener in listeners.items():
        event.listen(connection, name, listener)
    try:
        yield sent
    finally:
        for name, listener in listeners.items():
            event.remove(connection, name, listener)


{%- if is_async %}


def events_of(connection: AsyncConnection) -> Connection:
    """The sync Connection an AsyncConnection drives: SQLAlchemy fires its events there."""
    assert connection.sync_connection is not None, "the connection has not started"
    return connection.sync_connection
{%- endif %}


@pytest.fixture
def sent_sql(connection: {{ Connection }}) -> Iterator[list[str]]:
    """Every statement this test sends on its connection, with each BEGIN, COMMIT and ROLLBACK."""
    with recording_sql({{ "events_of(connection)" if is_async else "connection" }}) as sent:
        yield sent


@pytest.fixture
def count_queries(connection: {{ Connection }}) -> Callable[[], AbstractContextManager[list[str]]]:
    """``with count_queries() as queries:`` lists the queries the block sends (transaction
    statements aside), app and test alike: assert on len(queries) to catch an N+1."""
    return partial(recording_sql, {{ "events_of(connection)" if is_async else "connection" }}, keep=is_query)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--sql-log",
        action="store_true",
        help="after the run, list each test's transaction statements, from BEGIN to ROLLBACK",
    )


@pytest.fixture(autouse=True)
def sql_log(request: pytest.FixtureRequest) -> Iterator[None]:
    """With --sql-log, record the transaction statements of each test that has a transaction.

    Autouse fixtures are set up first and torn down last, so the log spans the test's BEGIN
    and the ROLLBACK that ends it.
    """
    if not request.config.getoption("sql_log") or "transaction" not in request.fixturenames:
        yield
        return
    connection = request.getfixturevalue("shared_connection")
    with recording_sql({{ "events_of(connection)" if is_async else "connection" }}, keep=is_transaction_statement) as statements:
        yield
    request.node.user_properties.append((SQL_LOG, statements))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """--sql-log: print each test's log (also from xdist workers, whose reports carry it)."""
    logs = [
        (report.nodeid, statements)
        for reports in terminalreporter.stats.values()
        for report in reports
        if isinstance(report, pytest.TestReport) and report.when == "teardown"
        for name, statements in report.user_properties
        if name == SQL_LOG and isinstance(statements, list)
    ]
    if logs:
        terminalreporter.section("transaction statements per test (--sql-log)")
    for nodeid, statements in logs:
        terminalreporter.write_line(nodeid)
        for statement in statements:
            terminalreporter.write_line(f"    {statement}")
