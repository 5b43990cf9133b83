"""Table models and API schemas: teams, and heroes who may belong to one."""

from sqlmodel import Field, Relationship, SQLModel

NAME_LENGTH = 100

# Named constraints: migrations can then drop or alter them by name on every database.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class TeamBase(SQLModel):
    name: str = Field(min_length=1, max_length=NAME_LENGTH, unique=True)
    headquarters: str = Field(min_length=1, max_length=NAME_LENGTH)


class Team(TeamBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    # passive_deletes="all": the ORM leaves members alone when a team is deleted, so the
    # database's foreign key refuses the delete instead of the ORM silently orphaning heroes.
    heroes: list["Hero"] = Relationship(back_populates="team", passive_deletes="all")


class TeamCreate(TeamBase):
    pass


class TeamRead(TeamBase):
    id: int


class TeamUpdate(SQLModel):
    name: str | None = Field(default=None, min_length=1, max_length=NAME_LENGTH)
    headquarters: str | None = Field(default=None, min_length=1, max_length=NAME_LENGTH)


class HeroBase(SQLModel):
    name: str = Field(min_length=1, max_length=NAME_LENGTH, unique=True)
    secret_name: str = Field(min_length=1, max_length=NAME_LENGTH)
    age: int | None = Field(default=None, ge=0, le=10_000)
    team_id: int | None = Field(default=None, foreign_key="team.id", index=True)


class Hero(HeroBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    team: Team | None = Relationship(back_populates="heroes")


class HeroCreate(HeroBase):
    pass


class HeroRead(HeroBase):
    id: int


class HeroUpdate(SQLModel):
    name: str | None = Field(default=None, min_length=1, max_length=NAME_LENGTH)
    secret_name: str | None = Field(default=None, min_length=1, max_length=NAME_LENGTH)
    age: int | None = Field(default=None, ge=0, le=10_000)
    team_id: int | None = None
