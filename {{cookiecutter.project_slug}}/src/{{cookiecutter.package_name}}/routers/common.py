{%- set async_, await_ = ("async ", "await ") if cookiecutter.api == "async" else ("", "") -%}
"""What every resource router needs: pagination parameters, 404s and 409s, and their docs."""

from typing import Annotated, Any, TypeVar

from fastapi import HTTPException, Query, status
from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError
{%- if cookiecutter.orm == "sqlmodel" %}
from sqlmodel import SQLModel
{%- endif %}

from {{ cookiecutter.package_name }}.db import SessionDep
{%- if cookiecutter.orm == "sqlalchemy" %}
from {{ cookiecutter.package_name }}.models import Base
{%- endif %}

MAX_PAGE_SIZE = 100
# Ids are INTEGER columns: no row has an id outside this range, and a larger number would not
# even reach the database (SQLite cannot bind it, PostgreSQL refuses it as an OFFSET).
MIN_ID, MAX_ID = -(2**31), 2**31 - 1

Limit = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="Page size")]
Offset = Annotated[int, Query(ge=0, le=MAX_ID, description="Rows to skip")]


class ErrorMessage(BaseModel):
    """The body of an error the API raises itself: 404, 409, 503."""

    detail: str


class FieldError(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class InvalidRequest(BaseModel):
    """A 422: FastAPI's list of invalid fields, or one sentence (say, a missing team)."""

    detail: str | list[FieldError]


# OpenAPI documentation of the errors a resource's routes answer besides FastAPI's 422: a body
# that is not even text, and the errors get_or_404 and flush_or_conflict raise.
RESOURCE_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorMessage, "description": "The body could not be decoded"},
    404: {"model": ErrorMessage, "description": "No row has this id"},
    409: {"model": ErrorMessage, "description": "A name is taken, or the row is still in use"},
}

ModelT = TypeVar("ModelT", bound={{ "SQLModel" if cookiecutter.orm == "sqlmodel" else "Base" }})


{{ async_ }}def get_or_404(session: SessionDep, model: type[ModelT], row_id: int) -> ModelT:
    """The row with primary key ``row_id``, or a 404 naming what was missing."""
    row = {{ await_ }}session.get(model, row_id) if MIN_ID <= row_id <= MAX_ID else None
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"{model.__name__.lower()} not found")
    return row


{{ async_ }}def flush_or_conflict(session: SessionDep, detail: str) -> None:
    """Send pending changes now, turning a constraint violation into a 409.

    The rollback returns the session to a usable state (in tests: back to its SAVEPOINT,
    leaving the test's own rows in place); the body never carries the database's message.
    """
    try:
        {{ await_ }}session.flush()
    except IntegrityError:
        {{ await_ }}session.rollback()
        raise HTTPException(status.HTTP_409_CONFLICT, detail) from None


def update_from(row: ModelT, body: BaseModel) -> None:
    """Copy onto ``row`` the fields the client sent, leaving out the ones it did not."""
    for field, value in body.model_dump(exclude_unset=True).items():
        setattr(row, field, value)
