{%- set is_async = cookiecutter.api == "async" -%}
{%- set async_, await_ = ("async ", "await ") if is_async else ("", "") -%}
{%- set Engine, Connection = ("AsyncEngine", "AsyncConnection") if is_async else ("Engine", "Connection") -%}
{%- set Session = "AsyncSession" if is_async else "Session" -%}
{%- set sessionmaker = "async_sessionmaker" if is_async else "sessionmaker" -%}
{%- set create_engine = "create_async_engine" if is_async else "create_engine" -%}
"""Engine, session factory and the request-scoped session dependency."""

from collections.abc import {{ "AsyncIterator" if is_async else "Iterator" }}
from typing import Annotated, Any

from fastapi import Depends, Request
{%- if is_async %}
from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
{%- if cookiecutter.orm == "sqlalchemy" %}
    AsyncSession,
{%- endif %}
    async_sessionmaker,
    create_async_engine,
)
{%- if cookiecutter.orm == "sqlmodel" %}
from sqlmodel.ext.asyncio.session import AsyncSession
{%- endif %}
{%- else %}
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
{%- if cookiecutter.orm == "sqlmodel" %}
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session
{%- else %}
from sqlalchemy.orm import Session, sessionmaker
{%- endif %}
{%- endif %}


def create_db_engine(url: str | URL, *, connect_timeout: int = 5, **options: Any) -> {{ Engine }}:
    """An engine for ``url``; extra keyword arguments go to ``{{ create_engine }}``."""
    if make_url(url).get_backend_name() == "sqlite":
{%- if not is_async %}
        # FastAPI runs sync endpoints in a thread pool, so a connection may move between threads.
        options.setdefault("connect_args", {"check_same_thread": False})
{%- endif %}
        engine = {{ create_engine }}(url, **options)
        event.listen(engine{{ ".sync_engine" if is_async }}, "connect", enforce_sqlite_foreign_keys)
        return engine
    # A dead server must fail fast (so /health/ready answers 503), and a connection the server
    # dropped is replaced at checkout instead of failing the request that draws it.
{%- if is_async %}
    # asyncpg names its connect timeout "timeout"; psycopg and aiomysql "connect_timeout".
    timeout = "timeout" if make_url(url).get_driver_name() == "asyncpg" else "connect_timeout"
    options.setdefault("connect_args", {timeout: connect_timeout})
{%- else %}
    options.setdefault("connect_args", {"connect_timeout": connect_timeout})
{%- endif %}
    options.setdefault("pool_pre_ping", True)
    return {{ create_engine }}(url, **options)


def enforce_sqlite_foreign_keys(dbapi_connection: Any, _connection_record: Any) -> None:
    """SQLite ignores FOREIGN KEY constraints unless each connection asks for them."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def create_session_factory(
    bind: {{ Engine }} | {{ Connection }},
    **options: Any,
) -> {{ sessionmaker }}[{{ Session }}]:
    """The one place sessions are configured, for the app and (bound to a test connection) tests."""
{%- if is_async %}
    # expire_on_commit=False: after a commit, reading an attribute must not need a query, which
    # async code could only send with an explicit await.
    return async_sessionmaker(bind=bind, class_=AsyncSession, expire_on_commit=False, **options)
{%- else %}
    return sessionmaker(bind=bind, class_=Session, **options)
{%- endif %}


def get_session_factory(request: Request) -> {{ sessionmaker }}[{{ Session }}]:
    """The session factory the lifespan stored on the app; tests override this dependency."""
    factory: {{ sessionmaker }}[{{ Session }}] = request.app.state.session_factory
    return factory


{{ async_ }}def get_session(
    factory: Annotated[{{ sessionmaker }}[{{ Session }}], Depends(get_session_factory)],
) -> {{ "AsyncIterator" if is_async else "Iterator" }}[{{ Session }}]:
    """One session per request: commit when the endpoint succeeds, roll back when it raises."""
    {{ async_ }}with factory() as session:
        try:
            yield session
            {{ await_ }}session.commit()
        except Exception:
            {{ await_ }}session.rollback()
            raise


# scope="function" runs the commit above when the endpoint returns, before the response is sent:
# a failed commit becomes an error response instead of a 2xx for data that was never stored.
SessionDep = Annotated[{{ Session }}, Depends(get_session, scope="function")]
