"""Which named constraint the database says a write violated.

One IntegrityError class covers unique, foreign-key and NOT NULL violations alike, and
PostgreSQL, MySQL and SQLite each report which constraint failed in their own way. The routers
answer by its name (models.py's naming convention names every constraint, and the migrations
create each under that name): "uq_hero_name" is a taken name, "fk_hero_team_id_team" a team
that is not there.
"""

import re
import sqlite3
from collections.abc import Callable
{%- if cookiecutter.api == "async" %}
from typing import Any
{%- endif %}

from sqlalchemy import Constraint, ForeignKeyConstraint, UniqueConstraint
from sqlalchemy.exc import IntegrityError
{%- if cookiecutter.orm == "sqlmodel" %}
from sqlmodel import SQLModel

import {{ cookiecutter.package_name }}.models  # noqa: F401  (defines the tables on SQLModel.metadata)

TABLES = SQLModel.metadata.tables
{%- else %}

from {{ cookiecutter.package_name }}.models import Base

TABLES = Base.metadata.tables
{%- endif %}

# MySQL and MariaDB name the constraint in the message. A duplicate ends "for key
# 'uq_team_name'" ('team.uq_team_name' on MySQL 8), after the duplicate value, which is the
# client's: the name is read from the end. A foreign key: "CONSTRAINT `fk_...` FOREIGN KEY".
MYSQL_DUPLICATE_ENTRY = 1062
MYSQL_DUPLICATE_KEY = re.compile(r"for key '(?:[^']*\.)?([^'.]+)'$")
MYSQL_FOREIGN_KEY = re.compile(r"CONSTRAINT `([^`]+)` FOREIGN KEY")
SQLITE_WRITE = re.compile(r'(INSERT INTO|UPDATE|DELETE FROM) "?(\w+)"?')


def violated_constraint(error: IntegrityError) -> str | None:
    """The name of the constraint ``error`` violated, or None when the database names none
    (a NOT NULL column, say)."""
    reported = error.orig
    if isinstance(reported, sqlite3.IntegrityError):
        return sqlite_constraint(reported, error.statement or "")
    diagnostics = getattr(reported, "diag", None)
    if diagnostics is not None:  # psycopg: PostgreSQL names it in the error's diagnostics
        name: str | None = diagnostics.constraint_name
        return name
{%- if cookiecutter.api == "async" %}
    driver_error: Any = getattr(reported, "__cause__", None)  # what SQLAlchemy's adapter wraps
    if hasattr(driver_error, "constraint_name"):  # asyncpg: PostgreSQL names it on the error
        constraint: str | None = driver_error.constraint_name
        return constraint
{%- endif %}
    if reported is None or len(reported.args) != 2:
        return None
    code, message = reported.args  # PyMySQL and aiomysql: the server's error code and message
    pattern = MYSQL_DUPLICATE_KEY if code == MYSQL_DUPLICATE_ENTRY else MYSQL_FOREIGN_KEY
    match = pattern.search(str(message))
    return match[1] if match else None


def sqlite_constraint(reported: sqlite3.IntegrityError, statement: str) -> str | None:
    """SQLite names a unique constraint's columns ("UNIQUE constraint failed: team.name") and
    nothing of a foreign key: the table the statement writes tells which one it can be."""
    if reported.sqlite_errorname == "SQLITE_CONSTRAINT_UNIQUE":
        columns = str(reported).removeprefix("UNIQUE constraint failed: ").split(", ")
        return only_constraint(
            lambda unique: isinstance(unique, UniqueConstraint) and qualified(unique) == columns
        )
    write = SQLITE_WRITE.match(statement)
    if reported.sqlite_errorname != "SQLITE_CONSTRAINT_FOREIGNKEY" or write is None:
        return None
    verb, table = write.groups()
    if verb == "DELETE FROM":  # deleting a row can break the foreign keys that refer to it
        return only_constraint(
            lambda key: isinstance(key, ForeignKeyConstraint) and key.referred_table.name == table
        )
    return only_constraint(
        lambda key: isinstance(key, ForeignKeyConstraint) and key.table.name == table
    )


def only_constraint(matches: Callable[[Constraint], bool]) -> str | None:
    """The name of the one constraint of the schema that ``matches``; None if not exactly one."""
    names = [str(c.name) for table in TABLES.values() for c in table.constraints if matches(c)]
    return names[0] if len(names) == 1 else None


def qualified(constraint: UniqueConstraint) -> list[str]:
    """``table.column`` for each column of ``constraint``, as SQLite's messages name them."""
    return [f"{column.table.name}.{column.name}" for column in constraint.columns]
