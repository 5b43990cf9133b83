"""Create, read, list, update and delete heroes."""

from collections.abc import Sequence

from fastapi import APIRouter, HTTPException, status
from sqlmodel import Session, col, select

from {{ cookiecutter.package_name }}.db import SessionDep
from {{ cookiecutter.package_name }}.models import Hero, HeroCreate, HeroRead, HeroUpdate, Team
from {{ cookiecutter.package_name }}.routers.common import Limit, Offset, flush_or_conflict, get_or_404

router = APIRouter(prefix="/heroes", tags=["heroes"])

NAME_TAKEN = "a hero with this name already exists"


def require_team(session: Session, team_id: int | None) -> None:
    """A hero may join only a team that exists (a 422, like any other invalid field)."""
    if team_id is not None and session.get(Team, team_id) is None:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, f"team {team_id} does not exist")


@router.post("", status_code=status.HTTP_201_CREATED, response_model=HeroRead)
def create_hero(body: HeroCreate, session: SessionDep) -> Hero:
    require_team(session, body.team_id)
    hero = Hero.model_validate(body)
    session.add(hero)
    flush_or_conflict(session, NAME_TAKEN)
    return hero


@router.get("", response_model=list[HeroRead])
def list_heroes(session: SessionDep, limit: Limit = 20, offset: Offset = 0) -> Sequence[Hero]:
    return session.exec(select(Hero).order_by(col(Hero.id)).offset(offset).limit(limit)).all()


@router.get("/{hero_id}", response_model=HeroRead)
def read_hero(hero_id: int, session: SessionDep) -> Hero:
    return get_or_404(session, Hero, hero_id)


@router.patch("/{hero_id}", response_model=HeroRead)
def update_hero(hero_id: int, body: HeroUpdate, session: SessionDep) -> Hero:
    hero = get_or_404(session, Hero, hero_id)
    changes = body.model_dump(exclude_unset=True)
    require_team(session, changes.get("team_id"))
    hero.sqlmodel_update(changes)
    flush_or_conflict(session, NAME_TAKEN)
    return hero


@router.delete("/{hero_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_hero(hero_id: int, session: SessionDep) -> None:
    session.delete(get_or_404(session, Hero, hero_id))
    session.flush()
