"""Liveness and readiness probes."""

from fastapi import FastAPI
from fastapi.testclient import TestClient

from {{ cookiecutter.package_name }}.db import create_db_engine, create_session_factory, get_session_factory


def test_live_answers_200(client: TestClient) -> None:
    """/health/live answers while the process runs."""
    assert client.get("/health/live").json() == {"status": "ok"}


def test_ready_answers_200_when_the_database_answers(client: TestClient) -> None:
    """/health/ready runs SELECT 1 through the real session dependency."""
    assert client.get("/health/ready").json() == {"status": "ok"}


def test_ready_answers_503_when_the_database_is_unreachable(
    app: FastAPI, client: TestClient
) -> None:
    """/health/ready answers 503 with a short reason, and /health/live stays 200."""
    unreachable = create_db_engine("sqlite:////nonexistent-directory/database.sqlite")
    app.dependency_overrides[get_session_factory] = lambda: create_session_factory(unreachable)

    response = client.get("/health/ready")

    assert response.status_code == 503
    assert response.json() == {"detail": "database unavailable"}
    assert client.get("/health/live").status_code == 200
