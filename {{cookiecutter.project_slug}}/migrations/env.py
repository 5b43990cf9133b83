"""Alembic environment: migrate the connection the caller passed in, or the configured database."""

from logging.config import fileConfig
from typing import Any

from alembic import context
from sqlalchemy import Connection
from sqlmodel import SQLModel

import {{ cookiecutter.package_name }}.models  # noqa: F401  (defines the tables on SQLModel.metadata)
from {{ cookiecutter.package_name }}.db import create_db_engine
from {{ cookiecutter.package_name }}.settings import Settings

config = context.config
target_metadata = SQLModel.metadata


def configure(**options: Any) -> None:
    context.configure(target_metadata=target_metadata, compare_type=True, **options)


def run_migrations(connection: Connection) -> None:
    # SQLite cannot ALTER most things in place; batch mode copies the table instead.
    configure(connection=connection, render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if isinstance(connection, Connection):
        # The test suite passes the connection it uses: an in-memory SQLite database exists
        # only on that connection, and a PostgreSQL test database must not be looked up anew.
        run_migrations(connection)
        return
    if config.config_file_name is not None:
        fileConfig(config.config_file_name)
    engine = create_db_engine(Settings().database_url)
    with engine.connect() as connection:
        run_migrations(connection)
    engine.dispose()


def run_migrations_offline() -> None:
    url = Settings().database_url
    configure(url=url, literal_binds=True, render_as_batch=url.startswith("sqlite"))
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
