"""The app factory, and the module-level ``app`` that uvicorn serves."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

{% if cookiecutter.api == "sync" -%}
import anyio
{% endif -%}
from asgi_correlation_id import CorrelationIdMiddleware, correlation_id
from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi_offline import FastAPIOffline
from starlette.routing import Match
{%- if cookiecutter.api == "sync" %}
from starlette.types import ASGIApp, Receive, Scope, Send
{%- endif %}

from {{ cookiecutter.package_name }}.db import (
    create_db_engine,
    create_session_factory,
)
from {{ cookiecutter.package_name }}.logs import (
    configure_logging,
    log_unhandled_error,
)
from {{ cookiecutter.package_name }}.routers import (
    health,
    heroes,
    teams,
)
from {{ cookiecutter.package_name }}.routers.common import (
    invalid_request,
)
from {{ cookiecutter.package_name }}.settings import (
    PROJECT_NAME,
    Settings,
)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Open the engine when the app starts serving and release its connections at shutdown."""
    settings: Settings = app.state.settings
    configure_logging(settings)
    engine = create_db_engine(
        settings.database_url,
        connect_timeout=settings.database_connect_timeout,
        echo=settings.sql_echo,
    )
    app.state.session_factory = create_session_factory(engine)
{%- if cookiecutter.api == "sync" %}
    threads = anyio.to_thread.current_default_thread_limiter().total_tokens
    app.state.request_slots = anyio.Semaphore(int(threads))
{%- endif %}
    yield
    {{ "await " if cookiecutter.api == "async" }}engine.dispose()


def create_app(settings: Settings | None = None) -> FastAPI:
    """A new app; nothing touches the database until the lifespan starts.

    FastAPIOffline serves /docs and /redoc with the Swagger UI and ReDoc files its package
    ships, where FastAPI's own pages load them from a CDN: the docs work without internet.
    """
    app = FastAPIOffline(
        title=PROJECT_NAME,
        lifespan=lifespan,
        exception_handlers={RequestValidationError: invalid_request, Exception: internal_error},
    )
    app.state.settings = settings or Settings()
    app.include_router(health.router)
    app.include_router(teams.router)
    app.include_router(heroes.router)
    app.add_exception_handler(status.HTTP_405_METHOD_NOT_ALLOWED, method_not_allowed)
{%- if cookiecutter.api == "sync" %}
    app.add_middleware(NoMoreRequestsThanThreads)
{%- endif %}
    # Outermost: X-Request-ID (a UUID; anything else is replaced) or a new id, for the request's
    # log lines and its response's X-Request-ID header.
    app.add_middleware(CorrelationIdMiddleware)
    return app
{%- if cookiecutter.api == "sync" %}


class NoMoreRequestsThanThreads:
    """Admit at most as many requests at a time as FastAPI has threads to run them on.

    FastAPI runs a sync endpoint in a worker thread (40 by default), then validates its
    response in another, and the request keeps its database connection until that is done.
    With more requests in flight than threads, every thread can be taken by a request waiting
    for a connection while the requests holding all the connections wait for a thread: nothing
    moves until the pool gives up after 30 s. A request admitted here always finds a thread.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_slots: anyio.Semaphore = scope["app"].state.request_slots
        async with request_slots:
            await self.app(scope, receive, send)
{%- endif %}


async def internal_error(request: Request, error: Exception) -> JSONResponse:
    """A 500 that names the request (its id, to find its log lines) and nothing of the error.

    Starlette answers with it outside every middleware, so the response gets its X-Request-ID
    here, not from CorrelationIdMiddleware.
    """
    log_unhandled_error(request, error)
    request_id = correlation_id.get() or ""
    return JSONResponse(
        {"detail": "Internal Server Error", "request_id": request_id},
        status.HTTP_500_INTERNAL_SERVER_ERROR,
        headers={"X-Request-ID": request_id},
    )


# The methods a 405's Allow header may name (FastAPI answers OPTIONS and HEAD only if declared).
HTTP_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


async def method_not_allowed(request: Request, _exc: Exception) -> JSONResponse:
    """A 405 whose Allow header lists every method of the path, not only the first route's."""
    return JSONResponse(
        {"detail": "Method Not Allowed"},
        status.HTTP_405_METHOD_NOT_ALLOWED,
        headers={"Allow": ", ".join(methods_answered(request))},
    )


def methods_answered(request: Request) -> list[str]:
    """The methods some route of the app answers at the request's path.

    Each method is put to the app's own routing, as a request with that method would be:
    FastAPI nests the routes of an included router out of sight of ``app.routes``, and a route
    only knows its own methods, not those of the other routes on the same path.
    """
    routes = request.app.router.routes
    return [
        method
        for method in HTTP_METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] is Match.FULL for route in routes
        )
    ]


app = create_app()
