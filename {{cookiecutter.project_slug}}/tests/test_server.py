{%- set is_async = cookiecutter.api == "async" -%}
{%- set async_, await_ = ("async ", "await ") if is_async else ("", "") -%}
{%- set Client, Engine = ("AsyncClient", "AsyncEngine") if is_async else ("TestClient", "Engine") -%}
"""Proof on a real server (PostgreSQL, MySQL) that test commits never reach other connections."""

import pytest
{%- if is_async %}
from httpx2 import AsyncClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
{%- else %}
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
{%- endif %}

pytestmark = pytest.mark.server


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
