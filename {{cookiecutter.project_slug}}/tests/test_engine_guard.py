"""No engine but the test's: an engine aimed at any other database is refused, loudly."""

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from database_isolation.engine_guard import GUARD, ForeignDatabaseError


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


@pytest.mark.usefixtures("refusals_expected")
def test_an_engine_on_another_server_database_is_refused_without_its_password() -> None:
    """The developer's database on a server is refused before the driver connects; the
    message names it, but never its password."""
    engine = create_engine("postgresql+psycopg://app:s3cret@127.0.0.1:1/app")

    with pytest.raises(ForeignDatabaseError, match=r"app@127\.0\.0\.1:1/app") as refused:
        engine.connect()

    assert "s3cret" not in str(refused.value)
