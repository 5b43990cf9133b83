{%- set is_async = cookiecutter.api == "async" -%}
"""Alembic environment: migrate the connection the caller passed in, or the configured database."""

{% if is_async -%}
import asyncio
{% endif -%}
from logging.config import fileConfig
from typing import Any

from alembic import context
from sqlalchemy import Connection
{%- if cookiecutter.orm == "sqlmodel" %}
from sqlmodel import SQLModel
{%- endif %}

{% if cookiecutter.orm == "sqlmodel" -%}
import {{ cookiecutter.package_name }}.models  # noqa: F401  (defines the tables on SQLModel.metadata)
{% endif -%}
from {{ cookiecutter.package_name }}.db import create_db_engine
{%- if cookiecutter.orm == "sqlalchemy" %}
from {{ cookiecutter.package_name }}.models import Base
{%- endif %}
from {{ cookiecutter.package_name }}.settings import Settings

config = context.config
target_metadata = {{ "SQLModel.metadata" if cookiecutter.orm == "sqlmodel" else "Base.metadata" }}


def configure(**options: Any) -> None:
    context.configure(target_metadata=target_metadata, compare_type=True, **options)


def run_migrations(connection: Connection) -> None:
    # SQLite cannot ALTER most things in place; batch mode copies the table instead.
    configure(connection=connection, render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()
{%- if is_async %}


async def migrate_configured_database() -> None:
    engine = create_db_engine(Settings().database_url)
    async with engine.connect() as connection:
        await connection.run_sync(run_migrations)
    await engine.dispose()
{%- endif %}


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if isinstance(connection, Connection):
        # The test suite passes the connection it uses: an in-memory SQLite database exists
        # only on that connection, and a PostgreSQL test database must not be looked up anew.
        run_migrations(connection)
        return
    if config.config_file_name is not None:
        fileConfig(config.config_file_name)
{%- if is_async %}
    asyncio.run(migrate_configured_database())
{%- else %}
    engine = create_db_engine(Settings().database_url)
    with engine.connect() as connection:
        run_migrations(connection)
    engine.dispose()
{%- endif %}


def run_migrations_offline() -> None:
    url = Settings().database_url
    configure(url=url, literal_binds=True, render_as_batch=url.startswith("sqlite"))
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
