{%- set is_async = cookiecutter.api == "async" -%}
{%- set async_, await_ = ("async ", "await ") if is_async else ("", "") -%}
{%- set Connection, Engine = ("AsyncConnection", "AsyncEngine") if is_async else ("Connection", "Engine") -%}
{%- set Session = "AsyncSession" if is_async else "Session" -%}
{%- set sessionmaker = "async_sessionmaker" if is_async else "sessionmaker" -%}
{%- set Client = "AsyncClient" if is_async else "TestClient" -%}
"""Writes that escape the test's transaction: refused on the test's connection, found elsewhere.

A COMMIT on the test's connection is refused before it is sent. App code with a session of its
own (an engine built from Settings(), or the app's own session factory, as a BackgroundTask or
a thread would use) reaches this process's test database, never a developer's, and commits
there for real: database_isolation/escapes.py finds the table at the end of the run. These
tests delete what they committed, so the run stays clean.
"""

import pytest
from fastapi import FastAPI
{%- if is_async %}
from httpx2 import AsyncClient
from sqlalchemy import text
{%- if cookiecutter.orm == "sqlmodel" %}
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
{%- else %}
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker
{%- endif %}
{%- else %}
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, text
{%- if cookiecutter.orm == "sqlmodel" %}
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session
{%- else %}
from sqlalchemy.orm import Session, sessionmaker
{%- endif %}
{%- endif %}

from {{ cookiecutter.package_name }}.db import (
    create_db_engine,
    create_session_factory,
)
from {{ cookiecutter.package_name }}.models import Team
from {{ cookiecutter.package_name }}.settings import Settings

from database_isolation.escapes import CommitRefused, Watch
from factories import TeamFactory


{{ async_ }}def test_commit_on_the_tests_connection_is_refused(
    connection: {{ Connection }}, session: {{ Session }}, engine: {{ Engine }}
) -> None:
    """connection.commit() fails the test before COMMIT is sent, and the test's writes are
    rolled back: no other connection (on in-memory SQLite, no later test) ever sees them."""
    TeamFactory.create(name="Never committed")
    {{ await_ }}session.flush()

    with pytest.raises(CommitRefused, match="COMMIT refused on the test's connection"):
        {{ await_ }}connection.commit()

    {{ async_ }}with engine.connect() as other:
        assert ({{ await_ }}other.scalars(text("SELECT name FROM team"))).all() == []


{{ async_ }}def tables_found_after_committing_through(
    sessions: {{ sessionmaker }}[{{ Session }}], escape_watch: Watch
) -> list[str]:
    """Commit a team through ``sessions``, ask the escape check, delete the team again."""
    {{ async_ }}with sessions() as own:
        team = Team(name="Escaped", headquarters="Nowhere")
        own.add(team)
        {{ await_ }}own.commit()
        found = escape_watch.escaped()
        {{ await_ }}own.delete(team)
        {{ await_ }}own.commit()
    assert escape_watch.escaped() is None
    return found["tables"] if found else []


@pytest.mark.server
{{ async_ }}def test_an_engine_built_from_the_settings_commits_for_real_where_the_check_sees_it(
    escape_watch: Watch,
) -> None:
    """Settings() names this process's test database (conftest.py sets DATABASE_URL before the
    app is imported), and a commit there is real: the escape check names the table."""
    engine = create_db_engine(Settings().database_url)
    sessions = create_session_factory(engine)

    assert engine.url.database == escape_watch.url.database
    assert {{ await_ }}tables_found_after_committing_through(sessions, escape_watch) == ["team"]
    {{ await_ }}engine.dispose()


@pytest.mark.server
{{ async_ }}def test_the_apps_own_session_factory_commits_for_real_where_the_check_sees_it(
    app: FastAPI, client: {{ Client }}, escape_watch: Watch
) -> None:
    """What a BackgroundTask or a thread that opens its own session does: the factory the
    app's lifespan made is not the test's, and its commit is real."""
    factory = app.state.session_factory

    assert {{ await_ }}tables_found_after_committing_through(factory, escape_watch) == ["team"]
