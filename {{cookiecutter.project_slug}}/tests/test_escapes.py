{%- set is_async = cookiecutter.api == "async" -%}
{%- set async_, await_ = ("async ", "await ") if is_async else ("", "") -%}
{%- set Connection, Engine = ("AsyncConnection", "AsyncEngine") if is_async else ("Connection", "Engine") -%}
{%- set Session = "AsyncSession" if is_async else "Session" -%}
"""A COMMIT on the test's connection is refused, and what it would have committed is gone.

The other escapes (app code with an engine or a session of its own) are caught where they land,
by database_isolation/escapes.py at the end of the run: the template's own tests run them.
"""

import pytest
{%- if is_async %}
from sqlalchemy import text
{%- if cookiecutter.orm == "sqlmodel" %}
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlmodel.ext.asyncio.session import AsyncSession
{%- else %}
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession
{%- endif %}
{%- else %}
from sqlalchemy import Connection, Engine, text
{%- if cookiecutter.orm == "sqlmodel" %}
from sqlmodel import Session
{%- else %}
from sqlalchemy.orm import Session
{%- endif %}
{%- endif %}

from database_isolation.escapes import CommitRefused
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
