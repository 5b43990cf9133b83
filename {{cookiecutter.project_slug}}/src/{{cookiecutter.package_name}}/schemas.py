"""API schemas: what clients send and what they get back, validated by Pydantic."""

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from {{ cookiecutter.package_name }}.fields import Name, NameChange

Age = Annotated[int, Field(ge=0, le=10_000)]
# Ids are INTEGER columns: a larger number is invalid input, not a database error.
TeamId = Annotated[int, Field(ge=1, le=2**31 - 1)]


class TeamCreate(BaseModel):
    name: Name
    headquarters: Name


class TeamRead(TeamCreate):
    model_config = ConfigDict(from_attributes=True)

    id: int


class TeamUpdate(BaseModel):
    name: NameChange = None
    headquarters: NameChange = None


class HeroCreate(BaseModel):
    name: Name
    secret_name: Name
    age: Age | None = None
    team_id: TeamId | None = None


class HeroRead(HeroCreate):
    model_config = ConfigDict(from_attributes=True)

    id: int


class HeroUpdate(BaseModel):
    name: NameChange = None
    secret_name: NameChange = None
    age: Age | None = None
    team_id: TeamId | None = None
