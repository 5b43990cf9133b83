{%- set is_async = cookiecutter.api == "async" -%}
"""The suite's one engine: on the server in TEST_DATABASE_URL, or on in-memory SQLite."""

from sqlalchemy import {{ "StaticPool" if is_async else "Engine, StaticPool, create_engine" }}
from sqlalchemy.engine import URL
{%- if is_async %}
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
{%- endif %}

from database_isolation import servers, sqlite


def create_test_engine(url: URL) -> {{ "AsyncEngine" if is_async else "Engine" }}:
    """An engine for ``url`` with the driver the app uses."""
    url = servers.{{ "async_driver_of" if is_async else "sync_driver" }}(url)
    if url.get_backend_name() != "sqlite":
        return {{ "create_async_engine" if is_async else "create_engine" }}(url)
    # An in-memory database lives and dies with its one connection: StaticPool hands that same
{%- if is_async %}
    # connection to every checkout (the schema's, the test's, any other thread's). aiosqlite
    # drives the sqlite3 driver underneath, so the workaround goes on the sync engine beneath.
    engine = create_async_engine(url, poolclass=StaticPool)
    sqlite.use_savepoints(engine.sync_engine)
{%- else %}
    # connection to every checkout (the schema's, the test's, any other thread's);
    # check_same_thread=False lets it move between threads, as TestClient runs endpoints in a
    # thread of its own.
    engine = create_engine(url, poolclass=StaticPool, connect_args={"check_same_thread": False})
    sqlite.use_savepoints(engine)
{%- endif %}
    return engine
