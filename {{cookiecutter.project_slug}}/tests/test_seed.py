{%- set is_async = cookiecutter.api == "async" -%}
{%- set async_, await_ = ("async ", "await ") if is_async else ("", "") -%}
{%- set Client = "AsyncClient" if is_async else "TestClient" -%}
{%- set sessionmaker, Session = ("async_sessionmaker", "AsyncSession") if is_async else ("sessionmaker", "Session") -%}
"""The seed command fills a database with the factories' rows, the same on every run.

The first tests seed the test database through the test's transaction, on whatever database
the suite runs (SQLite, or the server of TEST_DATABASE_URL); the last runs the command line
itself on a SQLite file of its own, never on the database the settings name.
"""

import re
import sys
from pathlib import Path
from typing import Any

import pytest
{%- if is_async %}
from httpx2 import AsyncClient
{%- else %}
from fastapi.testclient import TestClient
{%- endif %}
from sqlalchemy import create_engine
{%- if is_async and cookiecutter.orm == "sqlmodel" %}
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
{%- elif is_async %}
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
{%- elif cookiecutter.orm == "sqlmodel" %}
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session
{%- else %}
from sqlalchemy.orm import Session, sessionmaker
{%- endif %}

from {{ cookiecutter.package_name }} import factories as definitions
from {{ cookiecutter.package_name }}.models import Team
from {{ cookiecutter.package_name }}.seed import Refused, main, seed

from factories import TeamFactory

SEEDED = {"team": 5, "hero": 23}
Rows = tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]


{{ async_ }}def rows_listed(client: {{ Client }}) -> Rows:
    """Every team and every hero the API lists, without their ids: a hero names its team."""
    teams = ({{ await_ }}client.get("/teams", params={"limit": 100})).json()
    heroes = ({{ await_ }}client.get("/heroes", params={"limit": 100})).json()
    team_names = {team["id"]: team["name"] for team in teams}
    return (
        [(team["name"], team["headquarters"]) for team in teams],
        [
            (hero["name"], hero["secret_name"], hero["age"], team_names.get(hero["team_id"]))
            for hero in heroes
        ],
    )


{{ async_ }}def test_seed_fills_an_empty_database_with_teams_and_their_heroes(
    session_factory: {{ sessionmaker }}[{{ Session }}], client: {{ Client }}
) -> None:
    """Five teams of four heroes each, and three heroes with no team, committed."""
    assert {{ await_ }}seed(session_factory) == SEEDED

    teams, heroes = {{ await_ }}rows_listed(client)
    assert len(teams) == 5
    members = [hero for hero in heroes if hero[-1] is not None]
    assert sorted({hero[-1] for hero in members}) == sorted(name for name, _ in teams)
    assert (len(members), len(heroes)) == (20, 23)


{{ async_ }}def test_seeding_again_gives_the_same_rows(
    session_factory: {{ sessionmaker }}[{{ Session }}], client: {{ Client }}
) -> None:
    """A second seeding with replace=True (the command's --replace) deletes the first one's
    rows and writes the same rows again, fake names and ages included."""
    {{ await_ }}seed(session_factory)
    first = {{ await_ }}rows_listed(client)

    assert {{ await_ }}seed(session_factory, replace=True) == SEEDED

    assert {{ await_ }}rows_listed(client) == first


{{ async_ }}def test_a_database_that_holds_rows_is_refused(
    session_factory: {{ sessionmaker }}[{{ Session }}], session: {{ Session }}, client: {{ Client }}
) -> None:
    """Seeding a database that already holds a row is refused, saying how many and how to go
    on, and adds nothing."""
    TeamFactory.create()
{%- if is_async %}
    await session.flush()
{%- endif %}
    before = {{ await_ }}rows_listed(client)

    with pytest.raises(Refused, match=r"^already holds rows \(team: 1\): pass --replace"):
        {{ await_ }}seed(session_factory)

    assert {{ await_ }}rows_listed(client) == before


@pytest.mark.other_databases  # a SQLite file of the test's own is the command's database
def test_the_command_seeds_the_database_that_database_url_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The command refuses a database with no tables, and an install without factory-boy; it
    seeds the database once migrated, then refuses it: each refusal one line naming the
    database."""
    # Named like a test database: the suite's guard refuses any other.
    database = tmp_path / "seeded_test.sqlite"
    url = f"sqlite{{ "+aiosqlite" if is_async }}:///{database}"
    monkeypatch.setenv("DATABASE_URL", url)
    refused = f"^ERROR: {re.escape(url)}: "
    with pytest.raises(SystemExit, match=refused + "no table 'team': migrate it first"):
        main([])

    engine = create_engine(f"sqlite:///{database}")
    Team.metadata.create_all(engine)
    engine.dispose()
    with monkeypatch.context() as without_dev_dependencies:
        without_dev_dependencies.setitem(sys.modules, "factory", None)  # as if not installed
        without_dev_dependencies.delitem(sys.modules, definitions.__name__)  # to import again
        with pytest.raises(SystemExit, match=refused + "factory is not installed"):
            main([])
    main([])

    assert capsys.readouterr().out == f"seeded {url}: team: 5, hero: 23\n"
    with pytest.raises(SystemExit, match=refused + r"already holds rows \(team: 5, hero: 23\)"):
        main([])
