{%- set is_async = cookiecutter.api == "async" -%}
{%- set async_, await_ = ("async ", "await ") if is_async else ("", "") -%}
{%- set Session = "AsyncSession" if is_async else "Session" -%}
{%- set sessionmaker = "async_sessionmaker" if is_async else "sessionmaker" -%}
"""The seed command: fill the configured database with fake teams and heroes, the same on
every run (see pyproject.toml's [project.scripts]):

    uv run {{ cookiecutter.package_name }}-seed

The rows come from the factories the tests use (factories.py), seeded with SEED: two runs on
an empty database give the same rows. A database that already holds rows is refused, unless
``--replace`` says to delete them first. The database is the one DATABASE_URL names (see
settings.py), migrated first: ``uv run alembic upgrade head``.
"""

import argparse
{%- if is_async %}
import asyncio
{%- endif %}
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, inspect, select
from sqlalchemy.engine import make_url
{%- if is_async and cookiecutter.orm == "sqlmodel" %}
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlalchemy.orm import Session
from sqlmodel.ext.asyncio.session import AsyncSession
{%- elif is_async %}
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session
{%- elif cookiecutter.orm == "sqlmodel" %}
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session
{%- else %}
from sqlalchemy.orm import Session, sessionmaker
{%- endif %}

from {{ cookiecutter.package_name }}.db import (
    create_db_engine,
    create_session_factory,
)
from {{ cookiecutter.package_name }}.models import Team
from {{ cookiecutter.package_name }}.settings import Settings

SEED = "{{ cookiecutter.package_name }}"
TEAMS, HEROES_PER_TEAM, TEAMLESS_HEROES = 5, 4, 3
# Every table of the models, those referred to first.
TABLES = Team.metadata.sorted_tables


class Refused(Exception):
    """The database cannot be seeded as it is; the message says why and what to do."""


def rows_held(session: Session) -> dict[str, int]:
    """The tables of the models that hold rows, with their counts."""
    connection = session.connection()
    present = set(inspect(connection).get_table_names())
    missing = [table.name for table in TABLES if table.name not in present]
    if missing:
        raise Refused(f"no table {missing[0]!r}: migrate it first (uv run alembic upgrade head)")
    counts = {
        table.name: connection.scalar(select(func.count()).select_from(table)) or 0
        for table in TABLES
    }
    return {table: count for table, count in counts.items() if count}


def fake_rows() -> list[Any]:
    """The rows to seed, built by the factories."""
    try:
        # factory-boy and Faker are dev dependencies, which a production install (the Docker
        # image's) leaves out: there the command stops with one line, not a traceback.
        from {{ cookiecutter.package_name }}.factories import (
            fake_rows as build,
        )
    except ModuleNotFoundError as missing:
        raise Refused(
            f"{missing.name} is not installed: seeding needs the dev dependencies (uv sync)"
        ) from None
    return build(SEED, TEAMS, HEROES_PER_TEAM, TEAMLESS_HEROES)


def fill(session: Session, replace: bool = False) -> dict[str, int]:
    """Add the fake rows to ``session``, after deleting every row if ``replace``; the rows
    added, by table. Refused if the database holds rows and not ``replace``."""
    held = rows_held(session)
    if held and not replace:
        counts = ", ".join(f"{table}: {count}" for table, count in held.items())
        raise Refused(f"already holds rows ({counts}): pass --replace to delete them first")
    if replace:
        for table in reversed(TABLES):
            session.connection().execute(table.delete())
    rows = fake_rows()
    session.add_all(rows)
    session.flush()
    added: dict[str, int] = {}
    for row in rows:
        added[row.__tablename__] = added.get(row.__tablename__, 0) + 1
    return added


{{ async_ }}def seed(sessions: {{ sessionmaker }}[{{ Session }}], replace: bool = False) -> dict[str, int]:
    """Fill the database through a session of ``sessions`` and commit; the rows added."""
    {{ "async " if is_async }}with sessions() as session:
{%- if is_async %}
        added = await session.run_sync(fill, replace)
{%- else %}
        added = fill(session, replace)
{%- endif %}
        {{ await_ }}session.commit()
    return added


{{ async_ }}def seed_database(url: str, replace: bool) -> dict[str, int]:
    engine = create_db_engine(url)
    try:
        return {{ await_ }}seed(create_session_factory(engine), replace)
    finally:
        {{ await_ }}engine.dispose()


PARSER = argparse.ArgumentParser(
    prog="{{ cookiecutter.package_name }}-seed",
    description="Fill the database DATABASE_URL names with fake teams and heroes.",
)
PARSER.add_argument(
    "--replace", action="store_true", help="delete every row first, if the database holds any"
)


def main(arguments: Sequence[str] | None = None) -> None:
    """The command line; ``arguments`` (``--replace`` or none) default to the process's."""
    replace = PARSER.parse_args(arguments).replace
    url = Settings().database_url
    shown = make_url(url).render_as_string(hide_password=True)
    try:
        added = {{ "asyncio.run(seed_database(url, replace))" if is_async else "seed_database(url, replace)" }}
    except Refused as refusal:
        raise SystemExit(f"ERROR: {shown}: {refusal}") from None
    print(f"seeded {shown}: " + ", ".join(f"{table}: {count}" for table, count in added.items()))


if __name__ == "__main__":
    main()
