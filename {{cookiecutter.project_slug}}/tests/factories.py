"""factory-boy factories that write through the session of the test that uses them.

A factory holds no session of its own: conftest.py binds the test's session for the length
of the test (see ``writing_to``), so no factory can write outside a test's transaction.
{%- if cookiecutter.api == "async" %}

factory-boy is synchronous, so it is handed the sync Session underneath the test's
AsyncSession. A sync Session cannot send SQL from async code, so factories only add rows to
the session; the test then sends them with ``await session.flush()``.
{%- endif %}
"""

from collections.abc import Iterator
from contextlib import contextmanager

from factory.alchemy import SQLAlchemyModelFactory
from factory.declarations import Sequence, SubFactory
from factory.faker import Faker
{%- if cookiecutter.orm == "sqlmodel" %}
from sqlmodel import Session
{%- else %}
from sqlalchemy.orm import Session
{%- endif %}

from {{ cookiecutter.package_name }}.models import Hero, Team

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


class BaseFactory(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = current_session
{%- if cookiecutter.api == "async" %}
        # Only add: the async test flushes, and nothing commits outside the test's transaction.
        sqlalchemy_session_persistence = None
{%- else %}
        # Flush, don't commit: rows get their ids and stay inside the test's transaction.
        sqlalchemy_session_persistence = "flush"
{%- endif %}


class TeamFactory(BaseFactory):
    class Meta:
        model = Team

    name = Sequence(lambda n: f"Team {n}")
    headquarters = Faker("city")


class HeroFactory(BaseFactory):
    class Meta:
        model = Hero

    name = Sequence(lambda n: f"Hero {n}")
    secret_name = Faker("name")
    age = Faker("random_int", min=18, max=90)
    team = SubFactory(TeamFactory)


def reset_sequences() -> None:
    """Start every sequence at 0, so a test's names do not depend on the tests before it."""
    for factory_class in (TeamFactory, HeroFactory):
        factory_class.reset_sequence()
