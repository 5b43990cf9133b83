{%- set is_async = cookiecutter.api == "async" -%}
{%- set async_, await_ = ("async ", "await ") if is_async else ("", "") -%}
{%- set Iterator = "AsyncIterator" if is_async else "Iterator" -%}
{%- set Client, Session = ("AsyncClient", "AsyncSession") if is_async else ("TestClient", "Session") -%}
{%- set Engine, Connection = ("AsyncEngine", "AsyncConnection") if is_async else ("Engine", "Connection") -%}
{%- set Transaction = "AsyncTransaction" if is_async else "RootTransaction" -%}
"""DEMONSTRATION: what each join_transaction_mode does when the app commits and rolls back.

Not a requirement of the app: these tests show why conftest.py uses "create_savepoint". Here
`session_factory` joins sessions in the mode each test names, and each test tells the same
story through the real app: the test adds a fixture row, the app commits a team, fails to add
it again (a 409, after which it rolls back), and commits another team. "create_savepoint"
keeps the fixture row and commits nothing. In the other modes the app's rollback ends the
test's own transaction, and what the app commits after that is committed for real: the tests
assert exactly that, and `delete_what_leaked` deletes it again before the next test can see it.

In a real suite those COMMITs are refused and a test whose transaction ended early fails
(database_isolation/escapes.py): this module alone allows them, with `real_commits_allowed`.
"""

{% if is_async -%}
from collections.abc import AsyncIterator
{%- else -%}
from collections.abc import Iterator
{%- endif %}

import pytest
{%- if is_async %}
from httpx2 import AsyncClient
from sqlalchemy import text
{%- if cookiecutter.orm == "sqlmodel" %}
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncTransaction,
    async_sessionmaker,
)
from sqlalchemy.orm.session import JoinTransactionMode
from sqlmodel.ext.asyncio.session import AsyncSession
{%- else %}
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    AsyncTransaction,
    async_sessionmaker,
)
from sqlalchemy.orm.session import JoinTransactionMode
{%- endif %}
{%- else %}
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, RootTransaction, text
from sqlalchemy.orm import {{ "sessionmaker" if cookiecutter.orm == "sqlmodel" else "Session, sessionmaker" }}
from sqlalchemy.orm.session import JoinTransactionMode
{%- if cookiecutter.orm == "sqlmodel" %}
from sqlmodel import Session
{%- endif %}
{%- endif %}

from conftest import sessions_joining
from factories import TeamFactory

# Set up first, so torn down last: commits stay allowed while delete_what_leaked commits.
pytestmark = pytest.mark.usefixtures("real_commits_allowed", "delete_what_leaked")

FIXTURE_TEAM, COMMITTED_BEFORE, COMMITTED_AFTER = "Fixture team", "Avengers", "Defenders"


@pytest.fixture
def join_transaction_mode() -> JoinTransactionMode:
    """The mode under demonstration: conftest.py's, unless the test names another."""
    return "create_savepoint"


@pytest.fixture
def session_factory(
    shared_connection: {{ Connection }}, join_transaction_mode: JoinTransactionMode
) -> {{ "async_sessionmaker" if is_async else "sessionmaker" }}[{{ Session }}]:
    """Overrides conftest.py's for this module: the test's session and the app's join the
    test's transaction in the mode under demonstration."""
    return sessions_joining(shared_connection, join_transaction_mode)


@pytest.fixture
{% if is_async -%}
async def delete_what_leaked(
    shared_connection: AsyncConnection, engine: AsyncEngine
) -> AsyncIterator[None]:
{%- else -%}
def delete_what_leaked(shared_connection: Connection, engine: Engine) -> Iterator[None]:
{%- endif %}
    """After the test (set up first, so torn down last): delete and commit its teams, wherever
    the mode under demonstration left them, through a connection of its own (on in-memory
    SQLite, the same database), so that --sql-log shows the test's statements only."""
    yield
    {{ await_ }}shared_connection.rollback()  # whatever transaction the mode left open
    {{ async_ }}with engine.begin() as cleanup:
        {{ await_ }}cleanup.execute(
            text("DELETE FROM team WHERE name = :name"),
            [{"name": name} for name in (FIXTURE_TEAM, COMMITTED_BEFORE, COMMITTED_AFTER)],
        )


{{ async_ }}def app_rolls_back_between_commits(client: {{ Client }}, session: {{ Session }}) -> list[int]:
    """The story: a fixture row, then three requests. Returns their status codes."""
    TeamFactory.create(name=FIXTURE_TEAM)
{%- if is_async %}
    await session.flush()
{%- endif %}
    return [
        ({{ await_ }}client.post("/teams", json={"name": name, "headquarters": "Demo"})).status_code
        for name in (COMMITTED_BEFORE, COMMITTED_BEFORE, COMMITTED_AFTER)
    ]


{{ async_ }}def team_names(connection: {{ Connection }}) -> set[str]:
    return set({{ await_ }}connection.scalars(text("SELECT name FROM team")))


{{ async_ }}def committed_team_names(engine: {{ Engine }}, connection: {{ Connection }}) -> set[str]:
    """What was committed for real. A server shows it to any other connection; in-memory
    SQLite has no other connection, so end the test's transaction (as its teardown would)
    and look at what is left."""
    if connection.dialect.name != "sqlite":
        {{ async_ }}with engine.connect() as independent:
            return {{ await_ }}team_names(independent)
    {{ await_ }}connection.rollback()
    return {{ await_ }}team_names(connection)


{{ async_ }}def test_create_savepoint_keeps_the_tests_rows_and_commits_nothing(
    client: {{ Client }},
    session: {{ Session }},
    connection: {{ Connection }},
    transaction: {{ Transaction }},
    engine: {{ Engine }},
) -> None:
    """The mode conftest.py uses: the app's rollback reaches its own SAVEPOINT only."""
    assert {{ await_ }}app_rolls_back_between_commits(client, session) == [201, 409, 201]

    assert transaction.is_active
    assert {{ await_ }}team_names(connection) == {FIXTURE_TEAM, COMMITTED_BEFORE, COMMITTED_AFTER}
    assert {{ await_ }}committed_team_names(engine, connection) == set()


@pytest.mark.parametrize("join_transaction_mode", ["conditional_savepoint", "rollback_only"])
{{ async_ }}def test_default_mode_loses_the_tests_rows_then_commits_for_real(
    client: {{ Client }},
    session: {{ Session }},
    connection: {{ Connection }},
    transaction: {{ Transaction }},
    engine: {{ Engine }},
) -> None:
    """The default mode (on a connection outside a SAVEPOINT it acts as "rollback_only"): the
    app's rollback rolls back the test's transaction, taking the fixture row and the first
    team with it, and the next session, finding no transaction, COMMITs the second team."""
    assert {{ await_ }}app_rolls_back_between_commits(client, session) == [201, 409, 201]

    assert not transaction.is_active
    assert {{ await_ }}team_names(connection) == {COMMITTED_AFTER}
    assert {{ await_ }}committed_team_names(engine, connection) == {COMMITTED_AFTER}


@pytest.mark.parametrize("join_transaction_mode", ["control_fully"])
{{ async_ }}def test_control_fully_commits_the_tests_transaction_for_real(
    client: {{ Client }},
    session: {{ Session }},
    connection: {{ Connection }},
    transaction: {{ Transaction }},
    engine: {{ Engine }},
) -> None:
    """In "control_fully" mode the app's session owns the test's transaction: its first commit
    COMMITs it, fixture row included, and everything after is committed for real too."""
    assert {{ await_ }}app_rolls_back_between_commits(client, session) == [201, 409, 201]

    assert not transaction.is_active
    everything = {FIXTURE_TEAM, COMMITTED_BEFORE, COMMITTED_AFTER}
    assert {{ await_ }}committed_team_names(engine, connection) == everything
