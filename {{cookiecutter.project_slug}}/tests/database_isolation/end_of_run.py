{%- set is_async = cookiecutter.api == "async" -%}
"""Checks at the end of the run that no test left anything behind, whatever order they ran in.

A test that checks for a leak by itself proves nothing when it happens to run first; these
checks run after every test of the run (of this xdist worker), and fail the run with a
teardown error naming what was left. A pytest plugin: conftest.py lists it in
``pytest_plugins``.
"""

from collections.abc import {{ "AsyncIterator, " if is_async }}Iterator

import pytest
from fastapi import FastAPI
from sqlalchemy import Connection, func, inspect, select, table
{%- if is_async %}
from sqlalchemy.ext.asyncio import AsyncConnection
{%- endif %}


def row_counts(connection: Connection) -> dict[str, int]:
    """Rows per table, Alembic's bookkeeping aside, as committed (read outside any test)."""
    tables = set(inspect(connection).get_table_names()) - {"alembic_version"}
    counts = {
        name: connection.scalar(select(func.count()).select_from(table(name))) or 0
        for name in tables
    }
    connection.rollback()  # leave the connection outside a transaction, as a test expects it
    return counts


@pytest.fixture(scope="session", autouse=True)
{{ "async " if is_async }}def nothing_committed_by_the_run(
    shared_connection: {{ "AsyncConnection" if is_async else "Connection" }},
) -> {{ "AsyncIterator" if is_async else "Iterator" }}[None]:
    """Every table ends the run with the rows it began with: no test committed anything."""
{%- if is_async %}
    at_start = await shared_connection.run_sync(row_counts)
    yield
    at_end = await shared_connection.run_sync(row_counts)
{%- else %}
    at_start = row_counts(shared_connection)
    yield
    at_end = row_counts(shared_connection)
{%- endif %}
    assert at_end == at_start, f"this run committed rows: {at_start} at its start, {at_end} now"


@pytest.fixture(scope="session", autouse=True)
def dependency_overrides_restored(app: FastAPI) -> Iterator[None]:
    """The app ends the run with the dependency overrides it began with: every test that
    replaced one of its dependencies put it back."""
    at_start = dict(app.dependency_overrides)
    yield
    assert app.dependency_overrides == at_start, "a test left a dependency override behind"
