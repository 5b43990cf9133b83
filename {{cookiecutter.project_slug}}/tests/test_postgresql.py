"""Proof on a real server that a test's commits never reach other connections."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

pytestmark = pytest.mark.postgresql


def committed_team_names(engine: Engine) -> list[str]:
    """What a second, independent connection sees (READ COMMITTED: only real commits)."""
    with engine.connect() as other:
        return list(other.scalars(text("SELECT name FROM team")))


def test_endpoint_commit_is_invisible_to_another_connection(
    client: TestClient, engine: Engine
) -> None:
    """The app's commit ends only a SAVEPOINT: no other connection can see the row."""
    assert client.post("/teams", json={"name": "Hidden", "headquarters": "X"}).status_code == 201

    assert committed_team_names(engine) == []


def test_nothing_was_ever_committed(engine: Engine) -> None:
    """Whatever tests ran before this one in this process, the committed table is empty."""
    assert committed_team_names(engine) == []
