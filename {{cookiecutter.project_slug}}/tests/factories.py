"""The package's factories (its factories.py), writing through the session of the test that
uses them.

A factory holds no session of its own: conftest.py binds the test's session for the length
of the test (see ``database_isolation.factory_binding``), so no factory can write outside a test's
transaction. The fake data itself is defined once, in the package, where the seed command
(seed.py) builds from it too.
{%- if cookiecutter.api == "async" %}

factory-boy is synchronous, so it is handed the sync Session underneath the test's
AsyncSession. A sync Session cannot send SQL from async code, so factories only add rows to
the session; the test then sends them with ``await session.flush()``.
{%- endif %}
"""

from factory.declarations import SubFactory

from {{ cookiecutter.package_name }} import factories

from database_isolation.factory_binding import current_session


class WriteThroughTheTestsSession:
    """Meta options of a factory that writes through the running test's session."""

    sqlalchemy_session_factory = current_session
{%- if cookiecutter.api == "async" %}
    # Only add: the async test flushes, and nothing commits outside the test's transaction.
    sqlalchemy_session_persistence = None
{%- else %}
    # Flush, don't commit: rows get their ids and stay inside the test's transaction.
    sqlalchemy_session_persistence = "flush"
{%- endif %}


class TeamFactory(factories.TeamFactory):
    class Meta(WriteThroughTheTestsSession):
        pass


class HeroFactory(factories.HeroFactory):
    class Meta(WriteThroughTheTestsSession):
        pass

    team = SubFactory(TeamFactory)  # the hero's team is written through the same session
