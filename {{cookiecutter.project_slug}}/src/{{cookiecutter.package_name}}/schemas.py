"""API schemas: what clients send and what they get back, validated by Pydantic."""

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from {{ cookiecutter.package_name }}.models import NAME_LENGTH

Name = Annotated[str, Field(min_length=1, max_length=NAME_LENGTH)]
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
    name: Name | None = None
    headquarters: Name | None = None


class HeroCreate(BaseModel):
    name: Name
    secret_name: Name
    age: Age | None = None
    team_id: TeamId | None = None


class HeroRead(HeroCreate):
    model_config = ConfigDict(from_attributes=True)

    id: int


class HeroUpdate(BaseModel):
    name: Name | None = None
    secret_name: Name | None = None
    age: Age | None = None
    team_id: TeamId | None = None
