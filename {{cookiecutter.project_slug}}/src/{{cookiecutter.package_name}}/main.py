"""The app factory, and the module-level ``app`` that uvicorn serves."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from {{ cookiecutter.package_name }}.db import create_db_engine, create_session_factory
from {{ cookiecutter.package_name }}.routers import health, heroes, teams
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
    app.include_router(teams.router)
    app.include_router(heroes.router)
    return app


app = create_app()
