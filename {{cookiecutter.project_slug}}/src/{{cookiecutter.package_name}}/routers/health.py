{%- set async_, await_ = ("async ", "await ") if cookiecutter.api == "async" else ("", "") -%}
"""Liveness (the process answers) and readiness (the database answers too)."""

from fastapi import APIRouter, HTTPException, status
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from {{ cookiecutter.package_name }}.db import SessionDep
from {{ cookiecutter.package_name }}.routers.common import ErrorMessage

router = APIRouter(prefix="/health", tags=["health"])


@router.get("/live")
{{ async_ }}def live() -> dict[str, str]:
    return {"status": "ok"}


@router.get(
    "/ready",
    responses={503: {"model": ErrorMessage, "description": "The database does not answer"}},
)
{{ async_ }}def ready(session: SessionDep) -> dict[str, str]:
    try:
        {{ await_ }}session.scalar(text("SELECT 1"))
    except OperationalError:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, "database unavailable") from None
    return {"status": "ok"}
