{%- set is_async = cookiecutter.api == "async" -%}
{%- set async_, await_ = ("async ", "await ") if is_async else ("", "") -%}
{%- set TestConnection = "AsyncConnection" if is_async else "Connection" -%}
{%- set Iterator = "AsyncIterator" if is_async else "Iterator" -%}
{%- macro on(connection, function) %}{{ await_ }}{{ connection ~ ".run_sync(" ~ function ~ ")" if is_async else function ~ "(" ~ connection ~ ")" }}{% endmacro -%}
"""The Alembic migrations: one line of history that builds exactly the models' schema."""

from collections.abc import {{ Iterator }}

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, {{ '' if is_async else 'Engine, ' }}inspect
{%- if is_async %}
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
{%- endif %}
{%- if cookiecutter.orm == "sqlmodel" %}
from sqlmodel import SQLModel
{%- endif %}

{% if cookiecutter.orm == "sqlalchemy" -%}
from {{ cookiecutter.package_name }}.models import Base

{% endif -%}
from conftest import BACKEND, alembic_config


@pytest.fixture
{%- if is_async %}
async def ddl_connection(
    connection: AsyncConnection, engine: AsyncEngine
) -> AsyncIterator[AsyncConnection]:
{%- else %}
def ddl_connection(connection: Connection, engine: Engine) -> Iterator[Connection]:
{%- endif %}
    """Where a test may run DDL: the test's own transaction, which rolls the DDL back, except on
    MySQL, where DDL commits: there a separate connection, outside any test transaction,
    committed at the end (Alembic's version row is plain DML), and the test must leave the
    schema as it found it."""
    if BACKEND != "mysql":
        yield connection
        return
    {{ async_ }}with engine.begin() as separate:
        yield separate


def test_history_has_one_head() -> None:
    """Two heads mean two unmerged branches: `alembic upgrade head` would refuse to run."""
    assert len(ScriptDirectory.from_config(alembic_config()).get_heads()) == 1


def downgrade_to_base_then_upgrade(connection: Connection) -> tuple[set[str], set[str]]:
    """The tables at base, then at head: the schema ends as it started."""
    config = alembic_config(connection)
    command.downgrade(config, "base")
    at_base = set(inspect(connection).get_table_names())
    command.upgrade(config, "head")
    return at_base, set(inspect(connection).get_table_names())


{{ async_ }}def test_downgrade_to_base_and_upgrade_again(ddl_connection: {{ TestConnection }}) -> None:
    """Every downgrade undoes its upgrade, so the history can be walked both ways."""
    at_base, at_head = {{ on("ddl_connection", "downgrade_to_base_then_upgrade") }}

    assert at_base == {"alembic_version"}
    assert {"team", "hero"} <= at_head


def schema_differences(connection: Connection) -> list[object]:
    """What autogenerate would write to bring the migrated schema in line with the models."""
    metadata = {{ "SQLModel.metadata" if cookiecutter.orm == "sqlmodel" else "Base.metadata" }}
    return list(compare_metadata(MigrationContext.configure(connection), metadata))


{{ async_ }}def test_models_and_migrated_schema_do_not_differ(connection: {{ TestConnection }}) -> None:
    """Autogenerate finds nothing to write: the migrations build exactly what the models say."""
    assert {{ on("connection", "schema_differences") }} == []
