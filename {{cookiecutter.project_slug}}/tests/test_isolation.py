{%- set is_async = cookiecutter.api == "async" -%}
{%- set async_, await_ = ("async ", "await ") if is_async else ("", "") -%}
{%- set Client, Session = ("AsyncClient", "AsyncSession") if is_async else ("TestClient", "Session") -%}
{%- set Connection, Transaction = ("AsyncConnection", "AsyncTransaction") if is_async else ("Connection", "RootTransaction") -%}
{%- set Engine, sessionmaker = ("AsyncEngine", "async_sessionmaker") if is_async else ("Engine", "sessionmaker") -%}
"""What the conftest promises: nothing a test writes survives it, whatever the app commits."""

import os
{%- if not is_async %}
from concurrent.futures import ThreadPoolExecutor
{%- endif %}
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
{%- if is_async %}
from httpx2 import AsyncClient
from sqlalchemy import Engine, create_engine, event, func, inspect, select, text
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
from sqlalchemy import (
    Connection,
    Engine,
    RootTransaction,
    create_engine,
    event,
    func,
    inspect,
    select,
    text,
)
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import {{ "sessionmaker" if cookiecutter.orm == "sqlmodel" else "Session, sessionmaker" }}
{%- if cookiecutter.orm == "sqlmodel" %}
from sqlmodel import Session
{%- endif %}
{%- endif %}

from {{ cookiecutter.package_name }}.db import create_session_factory
from {{ cookiecutter.package_name }}.models import Team

from conftest import TEST_DATABASE_URL
from database_isolation import guard
from database_isolation.sqlite import use_savepoints
from factories import TeamFactory


{{ async_ }}def count_teams(session: {{ Session }}) -> int:
    return ({{ await_ }}session.scalar(select(func.count()).select_from(Team))) or 0


{{ async_ }}def teams_on(connection: {{ Connection }}) -> int:
    """Teams the connection sees, read without a session (whose SAVEPOINT would wrap, and roll
    back, what the app commits after it)."""
    return ({{ await_ }}connection.scalar(select(func.count()).select_from(Team))) or 0


@pytest.mark.parametrize("turn", ["one", "two"])
{{ async_ }}def test_endpoint_commit_is_gone_in_the_next_test(
    turn: str, client: {{ Client }}, connection: {{ Connection }}
) -> None:
    """Both turns commit the same team through the API: whichever runs second finds none, so
    the outer ROLLBACK undid the app's released SAVEPOINT."""
    assert {{ await_ }}teams_on(connection) == 0

    response = {{ await_ }}client.post("/teams", json={"name": "Committed", "headquarters": turn})

    assert response.status_code == 201
    assert {{ await_ }}teams_on(connection) == 1


{{ async_ }}def test_integrity_error_rollback_keeps_the_tests_own_rows(
    client: {{ Client }}, session: {{ Session }}, transaction: {{ Transaction }}
) -> None:
    """The app's rollback after a 409 reaches its SAVEPOINT only: fixture rows stay, and the
    outer transaction stays usable."""
    team = TeamFactory.create(name="Avengers")
{%- if is_async %}
    await session.flush()
{%- endif %}
    team_id = team.id  # read now: expire_all() below makes every attribute a query

    duplicate = {{ await_ }}client.post("/teams", json={"name": "Avengers", "headquarters": "X"})

    assert duplicate.status_code == 409
    session.expire_all()
    assert {{ await_ }}session.get(Team, team_id) is not None
    assert transaction.is_active
    second = {{ await_ }}client.post("/teams", json={"name": "Defenders", "headquarters": "Y"})
    assert second.status_code == 201
    assert {{ await_ }}count_teams(session) == 2


{{ async_ }}def test_session_commit_does_not_end_the_outer_transaction(
    session: {{ Session }},
    connection: {{ Connection }},
    transaction: {{ Transaction }},
    sent_sql: list[str],
) -> None:
    """A test's own session.commit() releases a SAVEPOINT; the outer transaction stays open."""
    session.add(Team(name="Committed by the test", headquarters="Here"))
    {{ await_ }}session.commit()

    assert transaction.is_active
    assert connection.in_transaction()
    assert {{ await_ }}count_teams(session) == 1
    assert "COMMIT" not in sent_sql


{{ async_ }}def test_app_commits_reach_savepoints_and_never_a_commit(
    client: {{ Client }}, sent_sql: list[str]
) -> None:
    """The SQL a test sends has SAVEPOINT, RELEASE and ROLLBACK TO, and no COMMIT at all."""
    {{ await_ }}client.post("/teams", json={"name": "Avengers", "headquarters": "New York"})
    {{ await_ }}client.post("/teams", json={"name": "Avengers", "headquarters": "Again"})

    kinds = {statement.split(" sa_savepoint_")[0] for statement in sent_sql}
    assert {"SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT"} <= kinds
    assert "COMMIT" not in sent_sql


{{ async_ }}def test_app_writes_are_visible_to_the_test_session(
    client: {{ Client }},
    session: {{ Session }},
) -> None:
    """The app and the test share one connection, so the test sees what the app committed."""
    created = ({{ await_ }}client.post("/teams", json={"name": "Seen", "headquarters": "Here"})).json()

    assert {{ await_ }}session.get(Team, created["id"]) is not None


{{ async_ }}def test_the_apps_own_engine_is_never_used(app: FastAPI, client: {{ Client }}) -> None:
    """The app's lifespan still builds its engine, as in production (on APP_DATABASE_URL), but
    every request takes its session from the test's dependency: the app writes and reads
    through the test's connection, and its own engine is never even checked out."""
    own_engine = app.state.session_factory.kw["bind"]{{ ".sync_engine" if is_async }}
    checkouts: list[Any] = []
    record = checkouts.append
    event.listen(own_engine, "checkout", record)
    try:
        created = {{ await_ }}client.post("/teams", json={"name": "Through", "headquarters": "Test"})
        ready = {{ await_ }}client.get("/health/ready")
    finally:
        event.remove(own_engine, "checkout", record)

    assert (created.status_code, ready.status_code, checkouts) == (201, 200, [])


{% if is_async -%}
async def test_every_checkout_of_the_test_engine_reaches_the_one_database(
    engine: AsyncEngine,
) -> None:
    """A connection checked out of the test engine finds the migrated schema: on in-memory
    SQLite the pool hands every checkout the one connection, and so the one database (for
    aiosqlite in memory SQLAlchemy picks StaticPool even unasked; conftest.py names it)."""
    async with engine.connect() as connection:
        tables = await connection.run_sync(lambda sync: set(inspect(sync).get_table_names()))

    assert {"team", "hero"} <= tables
{%- else -%}
def test_every_checkout_of_the_test_engine_reaches_the_one_database(engine: Engine) -> None:
    """A connection checked out of the test engine, from any thread, finds the migrated schema:
    on in-memory SQLite StaticPool hands every checkout the one connection, and so the one
    database (SQLite's default pool would give another thread a new, empty database)."""

    def tables_seen() -> set[str]:
        with engine.connect() as connection:
            return set(inspect(connection).get_table_names())

    with ThreadPoolExecutor(max_workers=1) as other_thread:
        assert {"team", "hero"} <= other_thread.submit(tables_seen).result()
{%- endif %}


def options_of(factory: {{ sessionmaker }}[{{ Session }}]) -> dict[str, object]:
    """A session factory's options, but for the two that tests must set differently."""
    return {k: v for k, v in factory.kw.items() if k not in {"bind", "join_transaction_mode"}}


def test_sessions_are_configured_like_the_apps(
    session_factory: {{ sessionmaker }}[{{ Session }}], engine: {{ Engine }}
) -> None:
    """The test's sessions differ from the app's in their bind and join mode only, so app code
    behaves in tests as it does in production."""
    apps = create_session_factory(engine)

{%- if is_async %}
    assert session_factory.class_ is apps.class_
{%- else %}
    # sessionmaker subclasses the class it is given, anew each time: compare what it subclassed.
    assert session_factory.class_.__bases__ == apps.class_.__bases__
{%- endif %}
    assert options_of(session_factory) == options_of(apps)


def rows_left_after_rollback(engine: Engine) -> int:
    """BEGIN, SAVEPOINT, INSERT, RELEASE SAVEPOINT (what a session's commit sends), ROLLBACK:
    how many rows are left?"""
    with engine.connect() as connection:
        connection.exec_driver_sql("CREATE TABLE note (body TEXT)")
        connection.commit()
        outer = connection.begin()
        savepoint = connection.begin_nested()
        connection.exec_driver_sql("INSERT INTO note VALUES ('rolled back?')")
        savepoint.commit()
        outer.rollback()
        return int(connection.exec_driver_sql("SELECT count(*) FROM note").scalar_one())


def test_sqlite_needs_the_savepoint_workaround() -> None:
    """pysqlite alone lets RELEASE SAVEPOINT commit for real, so the test's ROLLBACK undoes
    nothing; with database_isolation.sqlite.use_savepoints, the ROLLBACK undoes the row."""
    plain, fixed = create_engine("sqlite://"), create_engine("sqlite://")
    use_savepoints(fixed)

    assert rows_left_after_rollback(plain) == 1
    assert rows_left_after_rollback(fixed) == 0


@pytest.mark.server
{{ async_ }}def test_each_xdist_worker_has_a_database_of_its_own(
    database_url: URL, connection: {{ Connection }}
) -> None:
    """Under pytest -n each worker connects to its own clone, named after it and the run
    (app_gw0_0123abcd_test); a single process uses the test database itself."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    stem = (TEST_DATABASE_URL.database or "").removesuffix("_test")
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID", "")[:8]
    expected = f"{stem}_{worker}_{run}_test" if worker else TEST_DATABASE_URL.database
    current = "current_database()" if connection.dialect.name == "postgresql" else "database()"

    assert database_url.database == expected
    assert {{ await_ }}connection.scalar(text(f"SELECT {current}")) == expected


def test_a_server_database_without_the_test_suffix_is_refused() -> None:
    """The guard conftest.py runs before any statement: only a name ending in _test passes."""
    with pytest.raises(pytest.UsageError, match="must end in '_test'"):
        guard.require_test_database(make_url("postgresql+psycopg://app@localhost/app"))
    guard.require_test_database(make_url("postgresql+psycopg://app@localhost/app_test"))


@pytest.mark.other_databases  # past engine_guard, which would refuse this engine first
def test_a_connection_to_a_database_not_made_for_testing_is_refused(tmp_path: Path) -> None:
    """The guard's second check, on what the server opened rather than on the URL: any engine
    of the test process whose connection lands in a database without the marker (here an
    SQLite file) gets an error instead of a connection; one named for testing is accepted."""
    refused = create_engine(f"sqlite:///{tmp_path / 'app.db'}")
    with pytest.raises(pytest.UsageError, match="which is not a test database"):
        refused.connect()
    refused.dispose()
    accepted = create_engine(f"sqlite:///{tmp_path / 'app_test.db'}")
    with accepted.connect() as connection:
        assert connection.exec_driver_sql("SELECT 1").scalar() == 1
    accepted.dispose()
