"""factory-boy factories write through the session of the test that uses them.

A factory whose Meta says ``sqlalchemy_session_factory = factory_binding.current_session``
holds no session of its own: conftest.py binds the test's session for the length of the test,
so no factory can write outside a test's transaction. A pytest plugin (conftest.py lists it in
``pytest_plugins``) for one more fixture: Faker and the factories' sequences start each test
the same, whatever ran before.
"""

from collections.abc import Iterator
from contextlib import contextmanager

import factory.random
import pytest
from factory.alchemy import SQLAlchemyModelFactory
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


def reset_factory_sequences() -> None:
    """Start every factory's sequence at 0: a test's names do not depend on the tests before it."""
    factories = [SQLAlchemyModelFactory]
    for factory_class in factories:  # grows as it goes: every subclass, however deep
        factory_class.reset_sequence(force=True)
        factories.extend(factory_class.__subclasses__())


def start_fake_data_for(test_id: str) -> None:
    """Seed Faker and factory-boy from ``test_id`` and restart the sequences: the fake data that
    follows depends on the test alone."""
    factory.random.reseed_random(test_id)
    reset_factory_sequences()


@pytest.fixture(autouse=True)
def replayable_fake_data(request: pytest.FixtureRequest) -> None:
    """Fake data from the test's id: a failure replays in any test order."""
    start_fake_data_for(request.node.nodeid)
