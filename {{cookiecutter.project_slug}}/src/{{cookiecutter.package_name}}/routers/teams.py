{%- set async_, await_ = ("async ", "await ") if cookiecutter.api == "async" else ("", "") -%}
"""Create, read, list, update and delete teams."""

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
    Team,
    TeamCreate,
    TeamRead,
    TeamUpdate,
)
{%- else %}
from {{ cookiecutter.package_name }}.models import Team
{%- endif %}
from {{ cookiecutter.package_name }}.routers.common import (
    BAD_BODY,
    CONFLICT,
    NOT_FOUND,
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
    TeamCreate,
    TeamRead,
    TeamUpdate,
)
{%- endif %}

router = APIRouter(prefix="/teams", tags=["teams"])

NAME_TAKEN: Refusals = {
    "uq_team_name": (status.HTTP_409_CONFLICT, "a team with this name already exists"),
}
# Deleting a team its heroes still refer to (a hero may join it while the delete runs).
STILL_IN_USE: Refusals = {
    "fk_hero_team_id_team": (status.HTTP_409_CONFLICT, "the team still has heroes"),
}


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=TeamRead,
    responses=errors(BAD_BODY, CONFLICT),
)
{{ async_ }}def create_team(body: TeamCreate, session: SessionDep) -> Team:
    team = Team(**body.model_dump())
    session.add(team)
    {{ await_ }}flush_or_refuse(session, NAME_TAKEN)
    return team


@router.get("", response_model=list[TeamRead])
{{ async_ }}def list_teams(session: SessionDep, limit: Limit = 20, offset: Offset = 0) -> Sequence[Team]:
    query = select(Team).order_by({{ "col(Team.id)" if cookiecutter.orm == "sqlmodel" else "Team.id" }}).offset(offset).limit(limit)
    return ({{ await_ }}session.{{ "exec" if cookiecutter.orm == "sqlmodel" else "scalars" }}(query)).all()


@router.get("/{team_id}", response_model=TeamRead, responses=errors(NOT_FOUND))
{{ async_ }}def read_team(team_id: int, session: SessionDep) -> Team:
    return {{ await_ }}get_or_404(session, Team, team_id)


@router.patch(
    "/{team_id}",
    response_model=TeamRead,
    responses=errors(BAD_BODY, NOT_FOUND, CONFLICT),
)
{{ async_ }}def update_team(team_id: int, body: TeamUpdate, session: SessionDep) -> Team:
    team = {{ await_ }}get_or_404(session, Team, team_id)
    update_from(team, body)
    {{ await_ }}flush_or_refuse(session, NAME_TAKEN)
    return team


@router.delete(
    "/{team_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=errors(NOT_FOUND, CONFLICT),
)
{{ async_ }}def delete_team(team_id: int, session: SessionDep) -> None:
    {{ await_ }}session.delete({{ await_ }}get_or_404(session, Team, team_id))
    {{ await_ }}flush_or_refuse(session, STILL_IN_USE)
