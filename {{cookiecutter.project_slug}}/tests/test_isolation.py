"""What the conftest promises: nothing a test writes survives it, whatever the app commits."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, RootTransaction, func, select
from sqlmodel import Session

from {{ cookiecutter.package_name }}.models import Team
from tests.factories import TeamFactory


def count_teams(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Team)) or 0


@pytest.mark.parametrize("turn", ["one", "two"])
def test_endpoint_commit_is_gone_in_the_next_test(
    turn: str, client: TestClient, session: Session
) -> None:
    """Both turns commit the same team through the API: whichever runs second finds none."""
    assert count_teams(session) == 0

    response = client.post("/teams", json={"name": "Committed", "headquarters": turn})

    assert response.status_code == 201
    assert count_teams(session) == 1


def test_integrity_error_rollback_keeps_the_tests_own_rows(
    client: TestClient, session: Session, transaction: RootTransaction
) -> None:
    """The app's rollback after a 409 reaches its SAVEPOINT only: fixture rows stay, and the
    outer transaction stays usable."""
    team = TeamFactory.create(name="Avengers")

    assert client.post("/teams", json={"name": "Avengers", "headquarters": "X"}).status_code == 409

    session.expire_all()
    assert session.get(Team, team.id) is not None
    assert transaction.is_active
    assert client.post("/teams", json={"name": "Defenders", "headquarters": "Y"}).status_code == 201
    assert count_teams(session) == 2


def test_session_commit_does_not_end_the_outer_transaction(
    session: Session, connection: Connection, transaction: RootTransaction, sent_sql: list[str]
) -> None:
    """A test's own session.commit() releases a SAVEPOINT; the outer transaction stays open."""
    session.add(Team(name="Committed by the test", headquarters="Here"))
    session.commit()

    assert transaction.is_active
    assert connection.in_transaction()
    assert count_teams(session) == 1
    assert "COMMIT" not in sent_sql


def test_app_commits_reach_savepoints_and_never_a_commit(
    client: TestClient, sent_sql: list[str]
) -> None:
    """The SQL a test sends has SAVEPOINT, RELEASE and ROLLBACK TO, and no COMMIT at all."""
    client.post("/teams", json={"name": "Avengers", "headquarters": "New York"})
    client.post("/teams", json={"name": "Avengers", "headquarters": "Again"})

    kinds = {statement.split(" sa_savepoint_")[0] for statement in sent_sql}
    assert {"SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT"} <= kinds
    assert "COMMIT" not in sent_sql


def test_app_writes_are_visible_to_the_test_session(client: TestClient, session: Session) -> None:
    """The app and the test share one connection, so the test sees what the app committed."""
    created = client.post("/teams", json={"name": "Seen", "headquarters": "Here"}).json()

    assert session.get(Team, created["id"]) is not None
