{%- set is_async = cookiecutter.api == "async" -%}
"""Factories write through the session of the test that uses them, whichever library makes them.

factory-boy: ``sqlalchemy_session_factory = factory_binding.current_session`` in a factory's Meta.
polyfactory: ``__session__ = factory_binding.current_session`` on a SQLAlchemyFactory
{%- if is_async %}
(``create_sync``), ``__async_session__ = factory_binding.current_async_session`` (``create_async``).
{%- else %}
(``create_sync``).
{%- endif %}
Such a factory holds no session of its own: conftest.py binds the test's session for the length
of the test, so no factory can write outside a test's transaction (a factory's commit() only
releases the test session's SAVEPOINT). Neither library is required: only those installed are
reseeded. A pytest plugin (conftest.py lists it in ``pytest_plugins``) for one more fixture: fake
data and the factories' sequences start each test the same, whatever ran before.
"""

import importlib
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType

import pytest
{%- if is_async %}
from sqlalchemy.ext.asyncio import AsyncSession, async_session
{%- endif %}
from sqlalchemy.orm import Session

_bound_sessions: list[Session] = []


@contextmanager
def writing_to(session: Session) -> Iterator[None]:
    """Make every factory write through ``session`` while the block runs."""
    _bound_sessions.append(session)
    try:
        yield
    finally:
        _bound_sessions.remove(session)


def current_session() -> Session:
    if not _bound_sessions:
        raise RuntimeError(
            "factories write through a test's session: request the `session` fixture"
        )
    return _bound_sessions[-1]
{%- if is_async %}


def current_async_session() -> AsyncSession:
    """The test's AsyncSession, for factories that await their writes (polyfactory's
    ``create_async``)."""
    proxy = async_session(current_session())
    if proxy is None:
        raise RuntimeError("the test's session is no AsyncSession: use current_session")
    return proxy
{%- endif %}


def installed(module: str) -> ModuleType | None:
    """``module``, or None when its library is not installed: no factory library is required."""
    try:
        return importlib.import_module(module)
    except ImportError:
        return None


def reset_factory_sequences() -> None:
    """Start every factory-boy factory's sequence at 0: a test's names do not depend on the
    tests before it."""
    alchemy = installed("factory.alchemy")
    factories = [alchemy.SQLAlchemyModelFactory] if alchemy else []
    for factory_class in factories:  # grows as it goes: every subclass, however deep
        factory_class.reset_sequence(force=True)
        factories.extend(factory_class.__subclasses__())


def start_fake_data_for(test_id: str) -> None:
    """Seed Faker, factory-boy and polyfactory from ``test_id`` and restart the sequences: the
    fake data that follows depends on the test alone."""
    if factory_boy := installed("factory.random"):
        factory_boy.reseed_random(test_id)
    if polyfactory := installed("polyfactory.factories.base"):
        polyfactory.BaseFactory.seed_random(zlib.crc32(test_id.encode()))  # it takes an int
    reset_factory_sequences()


@pytest.fixture(autouse=True)
def replayable_fake_data(request: pytest.FixtureRequest) -> None:
    """Fake data from the test's id: a failure replays in any test order."""
    start_fake_data_for(request.node.nodeid)
