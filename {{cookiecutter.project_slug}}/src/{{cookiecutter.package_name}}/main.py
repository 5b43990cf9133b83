"""The app factory, and the module-level ``app`` that uvicorn serves."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, status
from fastapi.responses import JSONResponse
from starlette.routing import Match, Route

from {{ cookiecutter.package_name }}.db import create_db_engine, create_session_factory
from {{ cookiecutter.package_name }}.routers import health, heroes, teams
from {{ cookiecutter.package_name }}.routers.common import RESOURCE_ERRORS, InvalidRequest
from {{ cookiecutter.package_name }}.settings import PROJECT_NAME, Settings


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Open the engine when the app starts serving and release its connections at shutdown."""
    settings: Settings = app.state.settings
    engine = create_db_engine(
        settings.database_url,
        connect_timeout=settings.database_connect_timeout,
        echo=settings.sql_echo,
    )
    app.state.session_factory = create_session_factory(engine)
    yield
    {{ "await " if cookiecutter.api == "async" }}engine.dispose()


def create_app(settings: Settings | None = None) -> FastAPI:
    """A new app; nothing touches the database until the lifespan starts."""
    app = FastAPI(title=PROJECT_NAME, lifespan=lifespan)
    app.state.settings = settings or Settings()
    app.include_router(health.router)
    app.include_router(teams.router, responses=RESOURCE_ERRORS)
    hero_errors = {**RESOURCE_ERRORS, 422: {"model": InvalidRequest}}
    app.include_router(heroes.router, responses=hero_errors)
    app.add_exception_handler(status.HTTP_405_METHOD_NOT_ALLOWED, method_not_allowed)
    return app


async def method_not_allowed(request: Request, _exc: Exception) -> JSONResponse:
    """A 405 whose Allow header lists every method of the path, not only the first route's."""
    methods = {
        method
        for route in request.app.routes
        if isinstance(route, Route) and route.matches(request.scope)[0] is not Match.NONE
        for method in route.methods or ()
    }
    return JSONResponse(
        {"detail": "Method Not Allowed"},
        status.HTTP_405_METHOD_NOT_ALLOWED,
        headers={"Allow": ", ".join(sorted(methods))},
    )


app = create_app()
