{%- set is_async = cookiecutter.api == "async" -%}
{%- set async_, await_ = ("async ", "await ") if is_async else ("", "") -%}
{%- set Client = "AsyncClient" if is_async else "TestClient" -%}
"""Liveness and readiness probes."""

import pytest
from fastapi import FastAPI
{%- if is_async %}
from httpx2 import AsyncClient
{%- else %}
from fastapi.testclient import TestClient
{%- endif %}

from {{ cookiecutter.package_name }}.db import (
    create_db_engine,
    create_session_factory,
    get_session_factory,
)


{{ async_ }}def test_live_answers_200(client: {{ Client }}) -> None:
    """/health/live answers while the process runs."""
    assert ({{ await_ }}client.get("/health/live")).json() == {"status": "ok"}


{{ async_ }}def test_ready_answers_200_when_the_database_answers(client: {{ Client }}) -> None:
    """/health/ready runs SELECT 1 through the real session dependency."""
    assert ({{ await_ }}client.get("/health/ready")).json() == {"status": "ok"}


@pytest.mark.other_databases  # the unreachable database is another database
{{ async_ }}def test_ready_answers_503_when_the_database_is_unreachable(
    app: FastAPI, client: {{ Client }}
) -> None:
    """/health/ready answers 503 with a short reason, and /health/live stays 200."""
    unreachable = create_db_engine("sqlite{{ "+aiosqlite" if is_async }}:////nonexistent-directory/database.sqlite")
    app.dependency_overrides[get_session_factory] = lambda: create_session_factory(unreachable)

    response = {{ await_ }}client.get("/health/ready")

    assert response.status_code == 503
    assert response.json() == {"detail": "database unavailable"}
    assert ({{ await_ }}client.get("/health/live")).status_code == 200
