"""Strategy 6, the floor: one open connection, and nothing per test but BEGIN and ROLLBACK.

Everything else is made once per run: the conftest's sessions joined to the connection, and
the app's dependency override. Each test still gets a Session of its own; it is closed only
after the ROLLBACK, which already ended its SAVEPOINT, so closing sends nothing.
"""

from collections.abc import Iterator

import pytest
from conftest import Session, app_session_dependency, sessions_for_the_app
from database_isolation import factory_binding
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Connection
from sqlalchemy.orm import sessionmaker

__all__ = ["app_on_the_connection", "client", "session"]


@pytest.fixture(scope="session")
def app_on_the_connection(
    app: FastAPI, http_client: TestClient, session_factory: sessionmaker[Session]
) -> Iterator[TestClient]:
    app.dependency_overrides[app_session_dependency] = sessions_for_the_app(session_factory)
    yield http_client
    del app.dependency_overrides[app_session_dependency]  # the run's end checks it was put back


@pytest.fixture
def session(
    shared_connection: Connection, session_factory: sessionmaker[Session]
) -> Iterator[Session]:
    """BEGIN, the test, ROLLBACK."""
    transaction = shared_connection.begin()
    with session_factory() as session, factory_binding.writing_to(session):
        yield session
        transaction.rollback()


@pytest.fixture
def client(session: Session, app_on_the_connection: TestClient) -> TestClient:
    """The app, already bound to the connection; depending on ``session`` puts each request
    inside the test's transaction."""
    return app_on_the_connection
