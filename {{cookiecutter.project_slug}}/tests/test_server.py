{%- set is_async = cookiecutter.api == "async" -%}
{%- set async_, await_ = ("async ", "await ") if is_async else ("", "") -%}
{%- set Client, Engine, Connection = ("AsyncClient", "AsyncEngine", "AsyncConnection") if is_async else ("TestClient", "Engine", "Connection") -%}
"""Proof on a real server (PostgreSQL, MySQL) that test commits never reach other connections,
and that a write racing another connection's gets the right answer."""

{% if is_async -%}
import asyncio
import time
{%- else -%}
import time
from concurrent.futures import ThreadPoolExecutor
{%- endif %}

import pytest
{%- if is_async %}
from httpx2 import AsyncClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
{%- else %}
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, text
{%- endif %}

from conftest import BACKEND

pytestmark = pytest.mark.server

CONNECTION_ID = {"postgresql": "SELECT pg_backend_pid()", "mysql": "SELECT CONNECTION_ID()"}
WAITS_FOR_A_LOCK = {
    "postgresql": "SELECT count(*) FROM pg_stat_activity"
    " WHERE pid = :id AND wait_event_type = 'Lock'",
    "mysql": "SELECT count(*) FROM information_schema.innodb_trx"
    " WHERE trx_mysql_thread_id = :id AND trx_state = 'LOCK WAIT'",
}


{{ async_ }}def committed_team_names(engine: {{ Engine }}) -> list[str]:
    """What a second, independent connection sees: only what was really committed."""
    {{ async_ }}with engine.connect() as other:
        return list({{ await_ }}other.scalars(text("SELECT name FROM team")))


{{ async_ }}def test_endpoint_commit_is_invisible_to_another_connection(
    client: {{ Client }}, engine: {{ Engine }}
) -> None:
    """The app's commit ends only a SAVEPOINT: no other connection can see the row."""
    response = {{ await_ }}client.post("/teams", json={"name": "Hidden", "headquarters": "X"})

    assert response.status_code == 201
    assert {{ await_ }}committed_team_names(engine) == []


{{ async_ }}def commit_once_waited_for(
    engine: {{ Engine }},
    deleter: {{ Connection }},
    waiter: int,
) -> bool:
    """Commit ``deleter``'s transaction as soon as connection ``waiter`` waits for one of its
    locks (or after a minute: a loaded machine may take seconds to reach the write); whether
    it did wait."""
    waited = False
    deadline = time.monotonic() + 60
    {{ async_ }}with engine.connect() as watcher:
        while not waited and time.monotonic() < deadline:
            {{ "await asyncio.sleep(0.01)" if is_async else "time.sleep(0.01)" }}
            waited = bool({{ await_ }}watcher.scalar(text(WAITS_FOR_A_LOCK[BACKEND]), {"id": waiter}))
            {{ await_ }}watcher.rollback()  # a new snapshot of the server's activity each time
    {{ await_ }}deleter.commit()
    return waited


{{ async_ }}def test_hero_created_while_its_team_is_deleted_answers_422(
    client: {{ Client }}, connection: {{ Connection }}, engine: {{ Engine }}
) -> None:
    """A create that waits on its team's uncommitted delete, then loses, is the foreign key's
    422 "team does not exist": not the 409 of a taken name, not a 500."""
    app_connection = {{ await_ }}connection.scalar(text(CONNECTION_ID[BACKEND]))
    {{ async_ }}with engine.connect() as deleter:
        {{ await_ }}deleter.execute(text("INSERT INTO team (name, headquarters) VALUES ('Doomed', 'X')"))
        {{ await_ }}deleter.commit()
        team_id = {{ await_ }}deleter.scalar(text("SELECT id FROM team WHERE name = 'Doomed'"))
        # Deleted, not yet committed: the hero's foreign-key check waits for this lock.
        {{ await_ }}deleter.execute(text("DELETE FROM team WHERE id = :id"), {"id": team_id})
        hero = {"name": "Orphan", "secret_name": "X", "team_id": team_id}
{%- if is_async %}
        response, waited = await asyncio.gather(
            client.post("/heroes", json=hero),
            commit_once_waited_for(engine, deleter, app_connection),
        )
{%- else %}
        with ThreadPoolExecutor(1) as pool:
            commit = pool.submit(commit_once_waited_for, engine, deleter, app_connection)
            response = client.post("/heroes", json=hero)
            waited = commit.result()
{%- endif %}

    assert waited, "the create never waited for the delete: no race took place"
    assert (response.status_code, response.json()) == (
        422,
        {"detail": f"team {team_id} does not exist"},
    )
    assert {{ await_ }}committed_team_names(engine) == []
