{%- set is_async = cookiecutter.api == "async" -%}
{%- set async_, await_ = ("async ", "await ") if is_async else ("", "") -%}
{%- set Session = "AsyncSession" if is_async else "Session" -%}
"""Query counts: the `count_queries` fixture catches an N+1 before production does."""

from collections.abc import Callable
from contextlib import AbstractContextManager

import pytest
{%- if cookiecutter.orm == "sqlalchemy" %}
from sqlalchemy import select
{%- endif %}
{%- if is_async %}
{%- if cookiecutter.orm == "sqlalchemy" %}
from sqlalchemy.ext.asyncio import AsyncSession
{%- endif %}
from sqlalchemy.orm import selectinload
{%- if cookiecutter.orm == "sqlmodel" %}
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
{%- endif %}
{%- else %}
from sqlalchemy.orm import {{ "selectinload" if cookiecutter.orm == "sqlmodel" else "Session, selectinload" }}
{%- if cookiecutter.orm == "sqlmodel" %}
from sqlmodel import Session, col, select
{%- endif %}
{%- endif %}

from {{ cookiecutter.package_name }}.models import Hero

from factories import HeroFactory

CountQueries = Callable[[], AbstractContextManager[list[str]]]


{{ async_ }}def heroes_with_their_teams(session: {{ Session }}) -> list[tuple[str, str | None]]:
    """Every hero's name with its team's name: one query for the heroes, one for all teams."""
{%- if cookiecutter.orm == "sqlmodel" %}
    # SQLModel types Hero.team as a Team, not as the relationship attribute selectinload takes.
    query = select(Hero).options(selectinload(Hero.team)).order_by(col(Hero.id))  # type: ignore[arg-type]
{%- else %}
    query = select(Hero).options(selectinload(Hero.team)).order_by(Hero.id)
{%- endif %}
    heroes = ({{ await_ }}session.{{ "exec" if cookiecutter.orm == "sqlmodel" else "scalars" }}(query)).all()
    return [(hero.name, hero.team.name if hero.team else None) for hero in heroes]


@pytest.mark.parametrize("heroes", [1, 5])
{{ async_ }}def test_listing_heroes_with_their_teams_takes_two_queries_however_many(
    heroes: int, session: {{ Session }}, count_queries: CountQueries
) -> None:
    """selectinload fetches all the teams in one query: two queries for 1 hero or for 5, where
    loading each hero's team on access would take one more per hero."""
    HeroFactory.create_batch(heroes)
    {{ await_ }}session.flush()
    session.expunge_all()  # start cold, as a request does: nothing in the identity map

    with count_queries() as queries:
        listed = {{ await_ }}heroes_with_their_teams(session)

    assert len(listed) == heroes
    assert len(queries) == 2, queries
