"""Create, read, list, update and delete teams."""

from collections.abc import Sequence

from fastapi import APIRouter, status
from sqlmodel import col, select

from {{ cookiecutter.package_name }}.db import SessionDep
from {{ cookiecutter.package_name }}.models import Team, TeamCreate, TeamRead, TeamUpdate
from {{ cookiecutter.package_name }}.routers.common import Limit, Offset, flush_or_conflict, get_or_404

router = APIRouter(prefix="/teams", tags=["teams"])

NAME_TAKEN = "a team with this name already exists"


@router.post("", status_code=status.HTTP_201_CREATED, response_model=TeamRead)
def create_team(body: TeamCreate, session: SessionDep) -> Team:
    team = Team.model_validate(body)
    session.add(team)
    flush_or_conflict(session, NAME_TAKEN)
    return team


@router.get("", response_model=list[TeamRead])
def list_teams(session: SessionDep, limit: Limit = 20, offset: Offset = 0) -> Sequence[Team]:
    return session.exec(select(Team).order_by(col(Team.id)).offset(offset).limit(limit)).all()


@router.get("/{team_id}", response_model=TeamRead)
def read_team(team_id: int, session: SessionDep) -> Team:
    return get_or_404(session, Team, team_id)


@router.patch("/{team_id}", response_model=TeamRead)
def update_team(team_id: int, body: TeamUpdate, session: SessionDep) -> Team:
    team = get_or_404(session, Team, team_id)
    team.sqlmodel_update(body.model_dump(exclude_unset=True))
    flush_or_conflict(session, NAME_TAKEN)
    return team


@router.delete("/{team_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_team(team_id: int, session: SessionDep) -> None:
    session.delete(get_or_404(session, Team, team_id))
    flush_or_conflict(session, "the team still has heroes")
