{%- set is_async = cookiecutter.api == "async" -%}
{%- set sessionmaker, scoped_session = ("async_sessionmaker", "async_scoped_session") if is_async else ("sessionmaker", "scoped_session") -%}
"""The app's sessions during a test: its session dependency's stand-in, whatever its shape, and
the sessions it makes without a dependency.

Code that calls ``SessionLocal()`` (or a ``scoped_session``) directly has no dependency for the
client to override. Named in conftest.py's MODULE_SESSIONS, each is bound for the run to the
test's connection with ``join_transaction_mode="create_savepoint"``, so its commits end
SAVEPOINTs like everyone else's, and gets its own settings back afterwards. A scoped_session
is cleared after each test, so no test's session carries over into the next: every session it
made in the test is closed, whatever thread (the app's request workers) or task made it.
"""

import inspect
import threading
from collections.abc import {{ "AsyncIterator, " if is_async }}Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import pytest
{%- if is_async %}
from sqlalchemy.ext.asyncio import AsyncConnection, async_scoped_session, async_sessionmaker
{%- else %}
from sqlalchemy import Connection
from sqlalchemy.orm import scoped_session, sessionmaker
{%- endif %}
from sqlalchemy.util import ScopedRegistry, ThreadLocalRegistry


def standing_in_for(dependency: Callable[..., Any], session_factory: Any) -> Callable[[], Any]:
    """A stand-in for ``dependency`` in the dependency's own shape.

    A dependency that returns the sessionmaker gets the test's, so the session dependency that
    calls it (with its commit on success and rollback on error) runs exactly as in production.
    A dependency that yields the session is replaced by one that yields a session of the
    test's: code of its own around the yield does not run in tests.
    """
    if not inspect.{{ "isasyncgenfunction" if is_async else "isgeneratorfunction" }}(dependency):
        return lambda: session_factory

    {{ "async " if is_async }}def session_of_the_test() -> {{ "AsyncIterator" if is_async else "Iterator" }}[Any]:
        {{ "async " if is_async }}with session_factory() as session:
            yield session

    return session_of_the_test


ModuleSessions = {{ sessionmaker }}[Any] | {{ scoped_session }}[Any]
_scoped: list[{{ scoped_session }}[Any]] = []


def factory_of(sessions: ModuleSessions) -> {{ sessionmaker }}[Any]:
    return sessions.session_factory if isinstance(sessions, {{ scoped_session }}) else sessions


def listable(registry: ScopedRegistry[Any]) -> ScopedRegistry[Any]:
    """An empty registry of the same scope whose sessions can all be listed: a thread-local one
    hides those of other threads, where the app's requests run."""
    if isinstance(registry, ThreadLocalRegistry):
        return ScopedRegistry(registry.createfunc, threading.get_ident)
    return ScopedRegistry(registry.createfunc, registry.scopefunc)


@contextmanager
{%- if is_async %}
def bound_to(
    connection: AsyncConnection, module_sessions: Sequence[ModuleSessions]
) -> Iterator[None]:
{%- else %}
def bound_to(connection: Connection, module_sessions: Sequence[ModuleSessions]) -> Iterator[None]:
{%- endif %}
    """While the block runs, each of ``module_sessions`` makes sessions on ``connection``
    that join its transaction through a SAVEPOINT."""
    saved = [(factory_of(sessions), dict(factory_of(sessions).kw)) for sessions in module_sessions]
    for factory, _settings in saved:
        factory.configure(bind=connection, join_transaction_mode="create_savepoint")
    _scoped.extend(s for s in module_sessions if isinstance(s, {{ scoped_session }}))
    registries = [(scoped, scoped.registry) for scoped in _scoped]
    for scoped, registry in registries:
        scoped.registry = listable(registry)
    try:
        yield
    finally:
        _scoped.clear()
        for scoped, registry in registries:
            scoped.registry = registry
        for factory, settings in saved:
            factory.kw = settings


@pytest.fixture(autouse=True)
{{ "async " if is_async }}def clear_scoped_sessions() -> {{ "AsyncIterator" if is_async else "Iterator" }}[None]:
    """After each test, close every session a scoped_session made: the next test starts afresh."""
    yield
    for scoped in _scoped:
        sessions = scoped.registry.registry  # scope -> session, for every thread or task
        for session in sessions.values():
            {{ "await " if is_async }}session.close()
        sessions.clear()
