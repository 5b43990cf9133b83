{%- set is_async = cookiecutter.api == "async" -%}
"""No engine but the test's: an engine aimed at any other database is refused, loudly."""

import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

{% if is_async -%}
import aiosqlite
{% endif -%}
import pytest
from sqlalchemy import create_engine, text
{%- if is_async %}
from sqlalchemy.ext.asyncio import create_async_engine
{%- endif %}

from database_isolation import servers
from database_isolation.engine_guard import GUARD, ForeignDatabaseError

# A database every role may open on the test server that is not the test's (MySQL: none).
ANOTHER_DATABASE = {"postgresql": "template1", "mysql": None}


@pytest.fixture
def refusals_expected() -> Iterator[None]:
    """The refusals this test provokes are what it checks, not a failure of the test."""
    yield
    GUARD.refused.clear()


@pytest.mark.usefixtures("refusals_expected")
def test_an_engine_on_a_sqlite_file_is_refused_before_the_file_exists(tmp_path: Path) -> None:
    """An app's own SQLite file is refused by name, and the driver never creates it."""
    database = tmp_path / "app.db"

    with pytest.raises(ForeignDatabaseError, match=r"app\.db.*take its database URL from"):
        create_engine(f"sqlite:///{database}").connect()

    assert not database.exists()


@pytest.mark.usefixtures("refusals_expected")
def test_an_engine_with_a_creator_is_refused_before_its_first_statement(tmp_path: Path) -> None:
    """An engine that opens its connections itself (creator=, as cloud SQL connectors do) is
    refused by the file its connection opened, before a statement writes to that file."""
    database = tmp_path / "app.db"
    engine = create_engine("sqlite://", creator=lambda: sqlite3.connect(database))

    with (
        pytest.raises(ForeignDatabaseError, match=r"app\.db.*take its database URL from"),
        engine.begin() as connection,
    ):
        connection.execute(text("CREATE TABLE app_data (id INTEGER)"))

    assert database.stat().st_size == 0


{% if is_async -%}
@pytest.mark.usefixtures("refusals_expected")
async def test_an_async_engine_with_a_creator_is_refused_through_sqlalchemys_adapter(
    tmp_path: Path,
) -> None:
    """An async driver's connection reaches the check inside SQLAlchemy's adapter: an
    aiosqlite engine with async_creator= is refused by its file all the same."""
    database = tmp_path / "app.db"
    engine = create_async_engine(
        "sqlite+aiosqlite://", async_creator=lambda: aiosqlite.connect(database)
    )

    with pytest.raises(ForeignDatabaseError, match=r"app\.db.*take its database URL from"):
        async with engine.connect():
            pass

    await engine.dispose()
    assert database.stat().st_size == 0


{% endif -%}
@pytest.mark.other_databases  # past this guard, to the check of what the server opened
def test_an_engine_of_the_apps_own_is_told_to_take_its_url_from_the_settings(
    tmp_path: Path,
) -> None:
    """The check of which database a connection opened (guard.py) tells an engine not built
    from the test database's URL to take its URL from the settings, not to check
    TEST_DATABASE_URL, which is not the cause."""
    engine = create_engine(f"sqlite:///{tmp_path / 'app.db'}")

    with pytest.raises(pytest.UsageError, match=r"not the suite's.*from its settings") as refused:
        engine.connect()

    engine.dispose()
    assert "TEST_DATABASE_URL" not in str(refused.value)


@pytest.mark.server
def test_an_apps_engine_on_the_servers_own_database_is_told_the_same() -> None:
    """An engine of the app's own on the server's own database, which this guard lets through
    for the suite's administration, is stopped by the check of what the server opened, with
    the same advice."""
    url = servers.sync_driver(servers.test_database_url())
    engine = create_engine(url.set(database=servers.SERVER_DATABASES[url.get_backend_name()]))

    with pytest.raises(pytest.UsageError, match=r"not the suite's.*from its settings"):
        engine.connect()

    engine.dispose()


@pytest.mark.usefixtures("refusals_expected")
def test_an_engine_on_another_server_database_is_refused_without_its_password() -> None:
    """The developer's database on a server is refused before the driver connects; the
    message names it, but never its password."""
    engine = create_engine("postgresql+psycopg://app:s3cret@127.0.0.1:1/app")

    with pytest.raises(ForeignDatabaseError, match=r"app@127\.0\.0\.1:1/app") as refused:
        engine.connect()

    assert "s3cret" not in str(refused.value)


@pytest.mark.server
@pytest.mark.usefixtures("refusals_expected")
def test_an_engine_with_a_creator_on_another_server_database_is_refused() -> None:
    """On a server, a creator= engine's connection to another database is refused as soon as
    it is open, named as the driver reached it, without its password."""
    url = servers.sync_driver(servers.test_database_url())
    other = url._replace(database=ANOTHER_DATABASE[url.get_backend_name()])
    cargs, cparams = other.get_dialect()().create_connect_args(other)
    dbapi = other.get_dialect().import_dbapi()
    engine = create_engine(
        f"{other.drivername}://", creator=lambda: dbapi.connect(*cargs, **cparams)
    )

    named = rf"{re.escape(str(other.username))}@.*take its database URL"

    with pytest.raises(ForeignDatabaseError, match=named) as refused:
        engine.connect()

    assert f":{url.password}@" not in str(refused.value)
