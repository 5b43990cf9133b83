"""What every resource router needs: pagination parameters, 404s and 409s."""

from typing import Annotated, TypeVar

from fastapi import HTTPException, Query, status
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel

MAX_PAGE_SIZE = 100

Limit = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="Page size")]
Offset = Annotated[int, Query(ge=0, description="Rows to skip")]

ModelT = TypeVar("ModelT", bound=SQLModel)


def get_or_404(session: Session, model: type[ModelT], row_id: int) -> ModelT:
    """The row with primary key ``row_id``, or a 404 naming what was missing."""
    row = session.get(model, row_id)
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"{model.__name__.lower()} not found")
    return row


def flush_or_conflict(session: Session, detail: str) -> None:
    """Send pending changes now, turning a constraint violation into a 409.

    The rollback returns the session to a usable state (in tests: back to its SAVEPOINT,
    leaving the test's own rows in place); the body never carries the database's message.
    """
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise HTTPException(status.HTTP_409_CONFLICT, detail) from None
