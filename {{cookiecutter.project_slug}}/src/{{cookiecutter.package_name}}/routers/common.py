{%- set async_, await_ = ("async ", "await ") if cookiecutter.api == "async" else ("", "") -%}
"""What every resource router needs: pagination parameters, its errors, and their docs."""

from collections.abc import Mapping
from typing import Annotated, Any, TypeVar

from fastapi import HTTPException, Query, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError
{%- if cookiecutter.orm == "sqlmodel" %}
from sqlmodel import SQLModel
{%- endif %}

from {{ cookiecutter.package_name }}.constraints import (
    violated_constraint,
)
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
    """The body of an error the API answers itself: 400, 404, 409, 503."""

    detail: str


class FieldError(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class InvalidRequest(BaseModel):
    """A 422: FastAPI's list of invalid fields, or one sentence (say, a missing team)."""

    detail: str | list[FieldError]


# OpenAPI documentation of the errors the resource routes answer themselves, besides FastAPI's
# 422: a body that is not JSON (invalid_request), and the errors get_or_404 and flush_or_refuse
# raise. Each route documents only those it can answer (errors()): a list route, none of them.
BAD_BODY, NOT_FOUND, CONFLICT = 400, 404, 409
ERRORS: dict[int, dict[str, Any]] = {
    BAD_BODY: {"model": ErrorMessage, "description": "The body is not JSON"},
    NOT_FOUND: {"model": ErrorMessage, "description": "No row has this id"},
    CONFLICT: {
        "model": ErrorMessage,
        "description": "A name is taken, or the row is still in use",
    },
}


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The ``responses`` of a route that answers ``statuses`` besides FastAPI's 422."""
    return {code: ERRORS[code] for code in statuses}


# What a write answers when it violates a constraint, by the constraint's name: a status and
# a sentence (the database's own message is never shown).
Refusals = Mapping[str, tuple[int, str]]

ModelT = TypeVar("ModelT", bound={{ "SQLModel" if cookiecutter.orm == "sqlmodel" else "Base" }})


{{ async_ }}def get_or_404(session: SessionDep, model: type[ModelT], row_id: int) -> ModelT:
    """The row with primary key ``row_id``, or a 404 naming what was missing."""
    row = {{ await_ }}session.get(model, row_id) if MIN_ID <= row_id <= MAX_ID else None
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"{model.__name__.lower()} not found")
    return row


{{ async_ }}def flush_or_refuse(session: SessionDep, refusals: Refusals) -> None:
    """Send pending changes now, answering a violation of a constraint ``refusals`` names
    with its refusal; any other violation is a bug, and stays an error.

    The rollback returns the session to a usable state (in tests: back to its SAVEPOINT,
    leaving the test's own rows in place).
    """
    try:
        {{ await_ }}session.flush()
    except IntegrityError as error:
        refusal = refusals.get(violated_constraint(error) or "")
        if refusal is None:
            raise
        {{ await_ }}session.rollback()
        raise HTTPException(*refusal) from None


def update_from(row: ModelT, body: BaseModel) -> None:
    """Copy onto ``row`` the fields the client sent, leaving out the ones it did not."""
    for field, value in body.model_dump(exclude_unset=True).items():
        setattr(row, field, value)


async def invalid_request(_request: Request, error: RequestValidationError) -> JSONResponse:
    """A 400 for a body that is not JSON, as for one that is not text (FastAPI's own 400): there
    are no fields to name. Otherwise a 422 naming each invalid field and what is wrong with it,
    never the value sent.

    FastAPI's own handler echoes every invalid value: one JSON cannot carry back (NaN, 1e400,
    a lone surrogate, bytes that are not UTF-8) made it fail with a 500, and a 10 MB value made
    a 10 MB answer.
    """
    if any(field["type"] == "json_invalid" for field in error.errors()):
        body_not_json = ErrorMessage(detail="the body is not valid JSON")
        return JSONResponse(body_not_json.model_dump(), status.HTTP_400_BAD_REQUEST)
    fields = [
        FieldError(loc=list(field["loc"]), msg=field["msg"], type=field["type"])
        for field in error.errors()
    ]
    return JSONResponse(
        {"detail": [field.model_dump() for field in fields]},
        status.HTTP_422_UNPROCESSABLE_CONTENT,
    )
