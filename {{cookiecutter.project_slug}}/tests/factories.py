"""factory-boy factories that write through the session of the test that uses them.

A factory holds no session of its own: conftest.py binds the test's session for the length
of the test (see ``database_isolation.factory_binding``), so no factory can write outside a test's
transaction.
{%- if cookiecutter.api == "async" %}

factory-boy is synchronous, so it is handed the sync Session underneath the test's
AsyncSession. A sync Session cannot send SQL from async code, so factories only add rows to
the session; the test then sends them with ``await session.flush()``.
{%- endif %}
"""

from factory.alchemy import SQLAlchemyModelFactory
from factory.declarations import Sequence, SubFactory
from factory.faker import Faker

from {{ cookiecutter.package_name }}.models import Hero, Team

from database_isolation.factory_binding import current_session


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
