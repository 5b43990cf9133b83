{%- set is_async = cookiecutter.api == "async" -%}
{%- set async_, await_ = ("async ", "await ") if is_async else ("", "") -%}
{%- set Client, Session = ("AsyncClient", "AsyncSession") if is_async else ("TestClient", "Session") -%}
{%- set Connection, Transaction = ("AsyncConnection", "AsyncTransaction") if is_async else ("Connection", "RootTransaction") -%}
"""What the conftest promises: nothing a test writes survives it, whatever the app commits."""

import pytest
{%- if is_async %}
from httpx2 import AsyncClient
from sqlalchemy import func, select
{%- if cookiecutter.orm == "sqlmodel" %}
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncTransaction
from sqlmodel.ext.asyncio.session import AsyncSession
{%- else %}
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, AsyncTransaction
{%- endif %}
{%- else %}
from fastapi.testclient import TestClient
from sqlalchemy import Connection, RootTransaction, func, select
{%- if cookiecutter.orm == "sqlmodel" %}
from sqlmodel import Session
{%- else %}
from sqlalchemy.orm import Session
{%- endif %}
{%- endif %}

from {{ cookiecutter.package_name }}.models import Team
from tests.factories import TeamFactory


{{ async_ }}def count_teams(session: {{ Session }}) -> int:
    return ({{ await_ }}session.scalar(select(func.count()).select_from(Team))) or 0


@pytest.mark.parametrize("turn", ["one", "two"])
{{ async_ }}def test_endpoint_commit_is_gone_in_the_next_test(
    turn: str, client: {{ Client }}, session: {{ Session }}
) -> None:
    """Both turns commit the same team through the API: whichever runs second finds none."""
    assert {{ await_ }}count_teams(session) == 0

    response = {{ await_ }}client.post("/teams", json={"name": "Committed", "headquarters": turn})

    assert response.status_code == 201
    assert {{ await_ }}count_teams(session) == 1


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
