{%- set is_async = cookiecutter.api == "async" -%}
{%- set async_, await_ = ("async ", "await ") if is_async else ("", "") -%}
{%- set Connection, Transaction = ("AsyncConnection", "AsyncTransaction") if is_async else ("Connection", "RootTransaction") -%}
"""MySQL commits the open transaction before DDL: the suite fails such a test instead."""

import pytest
{%- if is_async %}
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncTransaction
{%- else %}
from sqlalchemy import Connection, Engine, RootTransaction, text
{%- endif %}

from database_isolation.servers import ImplicitCommitError

pytestmark = pytest.mark.mysql


{{ async_ }}def test_ddl_inside_a_test_fails_instead_of_committing(
    connection: {{ Connection }},
    transaction: {{ Transaction }},
    engine: {{ "AsyncEngine" if is_async else "Engine" }},
) -> None:
    """CREATE TABLE would commit the test's rows: it is refused, named, and nothing commits."""
    insert = text("INSERT INTO team (name, headquarters) VALUES ('Uncommitted', 'Here')")
    {{ await_ }}connection.execute(insert)

    with pytest.raises(ImplicitCommitError, match="CREATE TABLE scratch"):
        {{ await_ }}connection.exec_driver_sql("CREATE TABLE scratch (id INT)")

    assert transaction.is_active
    {{ async_ }}with engine.connect() as other:
        committed = {{ await_ }}other.scalar(text("SELECT count(*) FROM team"))
        scratch_tables = {{ await_ }}other.scalar(
            text("SELECT count(*) FROM information_schema.tables WHERE table_name = 'scratch'")
        )
    assert (committed, scratch_tables) == (0, 0)


{{ async_ }}def test_temporary_tables_do_not_commit(connection: {{ Connection }}) -> None:
    """CREATE TEMPORARY TABLE does not end the transaction, so it is allowed."""
    {{ await_ }}connection.exec_driver_sql("CREATE TEMPORARY TABLE scratch_rows (id INT)")
    {{ await_ }}connection.exec_driver_sql("DROP TEMPORARY TABLE scratch_rows")

    assert connection.in_transaction()
