{%- set lazy_raise = cookiecutter.api == "async" -%}
{%- if cookiecutter.orm == "sqlmodel" -%}
"""Table models and API schemas: teams, and heroes who may belong to one."""

from sqlmodel import Field, Relationship, SQLModel

from {{ cookiecutter.package_name }}.fields import Name, NameChange

MAX_ID = 2**31 - 1

# Named constraints: migrations can then drop or alter them by name on every database, and
# the routers tell which one a write violated by the name the database reports.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
{%- if lazy_raise %}
# Async code cannot load a relationship implicitly: lazy="raise" turns the mistake into an
# error in every test that makes it, instead of a MissingGreenlet in one production request.
LAZY_RAISE = {"lazy": "raise"}
{%- endif %}


class TeamBase(SQLModel):
    name: Name = Field(unique=True)
    headquarters: Name


class Team(TeamBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    # passive_deletes="all": the ORM leaves members alone when a team is deleted, so the
    # database's foreign key refuses the delete instead of the ORM silently orphaning heroes.
    heroes: list["Hero"] = Relationship(
        back_populates="team",
        passive_deletes="all",
{%- if lazy_raise %}
        sa_relationship_kwargs=LAZY_RAISE,
{%- endif %}
    )


class TeamCreate(TeamBase):
    pass


class TeamRead(TeamBase):
    id: int


class TeamUpdate(SQLModel):
    name: NameChange = None
    headquarters: NameChange = None


class HeroBase(SQLModel):
    name: Name = Field(unique=True)
    secret_name: Name
    age: int | None = Field(default=None, ge=0, le=10_000)
    # Ids are INTEGER columns: a larger number is invalid input, not a database error.
    team_id: int | None = Field(default=None, foreign_key="team.id", index=True, ge=1, le=MAX_ID)


class Hero(HeroBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
{%- if lazy_raise %}
    team: Team | None = Relationship(back_populates="heroes", sa_relationship_kwargs=LAZY_RAISE)
{%- else %}
    team: Team | None = Relationship(back_populates="heroes")
{%- endif %}


class HeroCreate(HeroBase):
    pass


class HeroRead(HeroBase):
    id: int


class HeroUpdate(SQLModel):
    name: NameChange = None
    secret_name: NameChange = None
    age: int | None = Field(default=None, ge=0, le=10_000)
    team_id: int | None = Field(default=None, ge=1, le=MAX_ID)
{%- else -%}
"""Table models: teams, and heroes who may belong to one. The API schemas are in schemas.py."""

from sqlalchemy import ForeignKey, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from {{ cookiecutter.package_name }}.fields import NAME_LENGTH


class Base(DeclarativeBase):
    # Named constraints: migrations can then drop or alter them by name on every database, and
    # the routers tell which one a write violated by the name the database reports.
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


class Team(Base):
    __tablename__ = "team"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_LENGTH), unique=True)
    headquarters: Mapped[str] = mapped_column(String(NAME_LENGTH))
    # passive_deletes="all": the ORM leaves members alone when a team is deleted, so the
    # database's foreign key refuses the delete instead of the ORM silently orphaning heroes.
{%- if lazy_raise %}
    # lazy="raise": async code cannot load a relationship implicitly, so the mistake fails
    # every test that makes it instead of raising MissingGreenlet in one production request.
    heroes: Mapped[list["Hero"]] = relationship(
        back_populates="team", passive_deletes="all", lazy="raise"
    )
{%- else %}
    heroes: Mapped[list["Hero"]] = relationship(back_populates="team", passive_deletes="all")
{%- endif %}


class Hero(Base):
    __tablename__ = "hero"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_LENGTH), unique=True)
    secret_name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    age: Mapped[int | None]
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"), index=True)
{%- if lazy_raise %}
    team: Mapped[Team | None] = relationship(back_populates="heroes", lazy="raise")
{%- else %}
    team: Mapped[Team | None] = relationship(back_populates="heroes")
{%- endif %}
{%- endif %}
