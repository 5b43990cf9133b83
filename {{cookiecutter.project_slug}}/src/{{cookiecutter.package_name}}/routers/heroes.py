{%- set async_, await_ = ("async ", "await ") if cookiecutter.api == "async" else ("", "") -%}
"""Create, read, list, update and delete heroes."""

from collections.abc import Sequence

from fastapi import APIRouter, status
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
)
{%- else %}
from {{ cookiecutter.package_name }}.models import Hero
{%- endif %}
from {{ cookiecutter.package_name }}.routers.common import (
    BAD_BODY,
    CONFLICT,
    NOT_FOUND,
    InvalidRequest,
    Limit,
    Offset,
    Refusals,
    errors,
    flush_or_refuse,
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

# A missing team is a 422 of one sentence, not a list of fields.
router = APIRouter(prefix="/heroes", tags=["heroes"], responses={422: {"model": InvalidRequest}})


def refusals(team_id: int | None) -> Refusals:
    """A taken name is a 409; a team that is not there (never was, or was deleted while this
    request ran) is a 422, like any other invalid field. The database checks both: checking
    first would leave the time between the check and the write for another request to win."""
    return {
        "uq_hero_name": (status.HTTP_409_CONFLICT, "a hero with this name already exists"),
        "fk_hero_team_id_team": (
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            f"team {team_id} does not exist",
        ),
    }


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=HeroRead,
    responses=errors(BAD_BODY, CONFLICT),
)
{{ async_ }}def create_hero(body: HeroCreate, session: SessionDep) -> Hero:
    hero = Hero(**body.model_dump())
    session.add(hero)
    {{ await_ }}flush_or_refuse(session, refusals(hero.team_id))
    return hero


@router.get("", response_model=list[HeroRead])
{{ async_ }}def list_heroes(session: SessionDep, limit: Limit = 20, offset: Offset = 0) -> Sequence[Hero]:
    query = select(Hero).order_by({{ "col(Hero.id)" if cookiecutter.orm == "sqlmodel" else "Hero.id" }}).offset(offset).limit(limit)
    return ({{ await_ }}session.{{ "exec" if cookiecutter.orm == "sqlmodel" else "scalars" }}(query)).all()


@router.get("/{hero_id}", response_model=HeroRead, responses=errors(NOT_FOUND))
{{ async_ }}def read_hero(hero_id: int, session: SessionDep) -> Hero:
    return {{ await_ }}get_or_404(session, Hero, hero_id)


@router.patch(
    "/{hero_id}",
    response_model=HeroRead,
    responses=errors(BAD_BODY, NOT_FOUND, CONFLICT),
)
{{ async_ }}def update_hero(hero_id: int, body: HeroUpdate, session: SessionDep) -> Hero:
    hero = {{ await_ }}get_or_404(session, Hero, hero_id)
    update_from(hero, body)
    {{ await_ }}flush_or_refuse(session, refusals(hero.team_id))
    return hero


@router.delete(
    "/{hero_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=errors(NOT_FOUND),
)
{{ async_ }}def delete_hero(hero_id: int, session: SessionDep) -> None:
    {{ await_ }}session.delete({{ await_ }}get_or_404(session, Hero, hero_id))
    {{ await_ }}session.flush()
