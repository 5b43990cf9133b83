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
                                   with the schema built by the real Alembic migrations
    connection    once per run     (per xdist worker) one connection, reused by every test
    transaction   per test         BEGIN ... ROLLBACK: the one boundary no test code reaches
    session       per test         joins through a SAVEPOINT: its commit() only RELEASEs it
    client        per test         the app's own session dependency, bound to that connection

So app code commits and rolls back exactly as in production; each commit ends a SAVEPOINT,
never the outer transaction, and the ROLLBACK at the end of the test undoes all of it.
"""

import os
from collections.abc import {{ "AsyncIterator, Iterator" if is_async else "Iterator" }}
from pathlib import Path
from typing import Any

import factory.random
import pytest
from alembic import command
from alembic.config import Config
from fastapi import FastAPI
{%- if is_async %}
from httpx2 import ASGITransport, AsyncClient
from sqlalchemy import Connection, Engine, StaticPool, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
{%- if cookiecutter.orm == "sqlalchemy" %}
    AsyncSession,
{%- endif %}
    AsyncTransaction,
    async_sessionmaker,
)
{%- if cookiecutter.orm == "sqlmodel" %}
from sqlmodel.ext.asyncio.session import AsyncSession
{%- endif %}
{%- else %}
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, RootTransaction, StaticPool, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import {{ "sessionmaker" if cookiecutter.orm == "sqlmodel" else "Session, sessionmaker" }}
{%- if cookiecutter.orm == "sqlmodel" %}
from sqlmodel import Session
{%- endif %}
{%- endif %}

# ---- Adapt this block when you copy this file (and databases.py) into another project -------
from {{ cookiecutter.package_name }}.db import create_db_engine, create_session_factory, get_session_factory
from {{ cookiecutter.package_name }}.main import create_app
from {{ cookiecutter.package_name }}.settings import Settings
from tests import databases, factories

ALEMBIC_INI = Path(__file__).parents[1] / "alembic.ini"
# ---------------------------------------------------------------------------------------------

# The one place the database mode is chosen. Unset: a private in-memory SQLite database, no
# server needed. Set to postgresql+psycopg://user:password@host:port/name_test: that server.
TEST_DATABASE_URL = make_url(os.environ.get("TEST_DATABASE_URL", "sqlite{{ "+aiosqlite" if is_async }}://"))
ON_SQLITE = TEST_DATABASE_URL.get_backend_name() == "sqlite"
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
    engine = create_engine(TEST_DATABASE_URL)
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
    if ON_SQLITE:
        needs_server = pytest.mark.skip(
            reason="PostgreSQL only: set TEST_DATABASE_URL=postgresql+psycopg://…/name_test"
        )
        for item in items:
            if "postgresql" in item.keywords:
                item.add_marker(needs_server)


def migrate(connection: Connection, revision: str = "head") -> None:
    command.upgrade(alembic_config(connection), revision)


def alembic_config(connection: Connection) -> Config:
    config = Config(ALEMBIC_INI)
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

    @event.listens_for(engine, "begin")
    def emit_begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN")


def create_test_engine(url: URL) -> {{ Engine }}:
    if not ON_SQLITE:
        return create_db_engine(url)
    # An in-memory database lives and dies with its one connection: StaticPool hands that same
{%- if is_async %}
    # connection to every checkout (the app's, Alembic's, the test's). aiosqlite drives the
    # sqlite3 driver underneath, so the workaround goes on the sync engine beneath the async one.
    engine = create_db_engine(url, poolclass=StaticPool)
    use_sqlite_savepoints(engine.sync_engine)
{%- else %}
    # connection to every checkout (the app's, Alembic's, the test's), and create_db_engine
    # sets check_same_thread=False because TestClient runs endpoints in another thread.
    engine = create_db_engine(url, poolclass=StaticPool)
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
def session_factory(connection: {{ Connection }}) -> {{ sessionmaker }}[{{ Session }}]:
    """Sessions that join the outer transaction through a SAVEPOINT of their own.

    With "create_savepoint", session.commit() releases the SAVEPOINT and session.rollback()
    rolls back to it; neither reaches the outer transaction. The default mode lets a rollback
    (say, after an IntegrityError) roll back the outer transaction itself: the test's own rows
    vanish and later commits run outside any test transaction, and leak.
    """
    return create_session_factory(connection, join_transaction_mode="create_savepoint")


@pytest.fixture
{{ async_ }}def session(session_factory: {{ sessionmaker }}[{{ Session }}]) -> {{ Iterator }}[{{ Session }}]:
{%- if is_async %}
    """The test's own session. Factories write through the sync Session underneath it."""
    async with session_factory() as session:
        with factories.writing_to(session.sync_session):
            yield session
{%- else %}
    """The test's own session; factories write through it."""
    with session_factory() as session, factories.writing_to(session):
        yield session
{%- endif %}
{%- if is_async %}


@pytest.fixture(scope="session")
async def app(database_url: URL) -> AsyncIterator[FastAPI]:
    app = create_app(Settings(database_url=database_url.render_as_string(hide_password=False)))
    # ASGITransport sends requests only: run the app's lifespan here, once for the whole run.
    async with app.router.lifespan_context(app):
        yield app


@pytest.fixture
async def client(
    app: FastAPI, session_factory: async_sessionmaker[AsyncSession]
) -> AsyncIterator[AsyncClient]:
    """The app with its sessions bound to this test's connection, over real HTTP requests.

    Only the session factory is replaced: get_session itself, with its commit on success and
    rollback on error, runs exactly as in production.
    """
    saved_overrides = dict(app.dependency_overrides)
    app.dependency_overrides[get_session_factory] = lambda: session_factory
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as client:
        yield client
    app.dependency_overrides.clear()
    app.dependency_overrides.update(saved_overrides)
{%- else %}


@pytest.fixture(scope="session")
def app(database_url: URL) -> FastAPI:
    return create_app(Settings(database_url=database_url.render_as_string(hide_password=False)))


@pytest.fixture(scope="session")
def http_client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as client:  # runs the app's lifespan once for the whole run
        yield client


@pytest.fixture
def client(
    app: FastAPI, http_client: TestClient, session_factory: sessionmaker[Session]
) -> Iterator[TestClient]:
    """The app with its sessions bound to this test's connection.

    Only the session factory is replaced: get_session itself, with its commit on success and
    rollback on error, runs exactly as in production.
    """
    saved_overrides = dict(app.dependency_overrides)
    app.dependency_overrides[get_session_factory] = lambda: session_factory
    yield http_client
    app.dependency_overrides.clear()
    app.dependency_overrides.update(saved_overrides)
    http_client.cookies.clear()
{%- endif %}


@pytest.fixture(autouse=True)
def replayable_fake_data(request: pytest.FixtureRequest) -> None:
    """Seed Faker and factory-boy from the test's id: a failure replays in any test order."""
    factory.random.reseed_random(request.node.nodeid)
    factories.reset_sequences()


@pytest.fixture
def sent_sql(connection: {{ Connection }}) -> Iterator[list[str]]:
    """Every statement this test sends on the connection, and each COMMIT/ROLLBACK it calls."""
    sent: list[str] = []

    def record_statement(_conn: Connection, _cursor: Any, statement: str, *_args: Any) -> None:
        sent.append(statement)

    listeners: dict[str, Any] = {
        "before_cursor_execute": record_statement,
        "commit": lambda _conn: sent.append("COMMIT"),
        "rollback": lambda _conn: sent.append("ROLLBACK"),
    }
    for name, listener in listeners.items():
        event.listen(connection{{ ".sync_connection" if is_async }}, name, listener)
    yield sent
    for name, listener in listeners.items():
        event.remove(connection{{ ".sync_connection" if is_async }}, name, listener)
