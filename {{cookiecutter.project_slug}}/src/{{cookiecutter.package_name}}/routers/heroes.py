{%- set async_, await_ = ("async ", "await ") if cookiecutter.api == "async" else ("", "") -%}
"""Create, read, list, update and delete heroes."""

from collections.abc import Sequence

from fastapi import APIRouter, HTTPException, status
{%- if cookiecutter.orm == "sqlmodel" %}
from sqlmodel import col, select
{%- else %}
from sqlalchemy import select
{%- endif %}

from {{ cookiecutter.package_name }}.db import SessionDep
{%- if cookiecutter.orm == "sqlmodel" %}
from {{ cookiecutter.package_name }}.models import (
    Hero,
    HeroCreate,
    HeroRead,
    HeroUpdate,
    Team,
)
{%- else %}
from {{ cookiecutter.package_name }}.models import Hero, Team
{%- endif %}
from {{ cookiecutter.package_name }}.routers.common import (
    Limit,
    Offset,
    flush_or_conflict,
    get_or_404,
    update_from,
)
{%- if cookiecutter.orm == "sqlalchemy" %}
from {{ cookiecutter.package_name }}.schemas import (
    HeroCreate,
    HeroRead,
    HeroUpdate,
)
{%- endif %}

router = APIRouter(prefix="/heroes", tags=["heroes"])

NAME_TAKEN = "a hero with this name already exists"


{{ async_ }}def require_team(session: SessionDep, team_id: int | None) -> None:
    """A hero may join only a team that exists (a 422, like any other invalid field)."""
    if team_id is not None and {{ await_ }}session.get(Team, team_id) is None:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, f"team {team_id} does not exist")


@router.post("", status_code=status.HTTP_201_CREATED, response_model=HeroRead)
{{ async_ }}def create_hero(body: HeroCreate, session: SessionDep) -> Hero:
    {{ await_ }}require_team(session, body.team_id)
    hero = Hero(**body.model_dump())
    session.add(hero)
    {{ await_ }}flush_or_conflict(session, NAME_TAKEN)
    return hero


@router.get("", response_model=list[HeroRead])
{{ async_ }}def list_heroes(session: SessionDep, limit: Limit = 20, offset: Offset = 0) -> Sequence[Hero]:
    query = select(Hero).order_by({{ "col(Hero.id)" if cookiecutter.orm == "sqlmodel" else "Hero.id" }}).offset(offset).limit(limit)
    return ({{ await_ }}session.{{ "exec" if cookiecutter.orm == "sqlmodel" else "scalars" }}(query)).all()


@router.get("/{hero_id}", response_model=HeroRead)
{{ async_ }}def read_hero(hero_id: int, session: SessionDep) -> Hero:
    return {{ await_ }}get_or_404(session, Hero, hero_id)


@router.patch("/{hero_id}", response_model=HeroRead)
{{ async_ }}def update_hero(hero_id: int, body: HeroUpdate, session: SessionDep) -> Hero:
    hero = {{ await_ }}get_or_404(session, Hero, hero_id)
    if "team_id" in body.model_fields_set:
        {{ await_ }}require_team(session, body.team_id)
    update_from(hero, body)
    {{ await_ }}flush_or_conflict(session, NAME_TAKEN)
    return hero


@router.delete("/{hero_id}", status_code=status.HTTP_204_NO_CONTENT)
{{ async_ }}def delete_hero(hero_id: int, session: SessionDep) -> None:
    {{ await_ }}session.delete({{ await_ }}get_or_404(session, Hero, hero_id))
    {{ await_ }}session.flush()
