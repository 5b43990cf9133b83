"""The Alembic migrations: one line of history that builds exactly the models' schema."""

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect
from sqlmodel import SQLModel

from tests.conftest import alembic_config as make_alembic_config


@pytest.fixture
def alembic_config(connection: Connection) -> Config:
    """Alembic on the test's connection: its DDL is rolled back with the test."""
    return make_alembic_config(connection)


def test_history_has_one_head(alembic_config: Config) -> None:
    """Two heads mean two unmerged branches: `alembic upgrade head` would refuse to run."""
    assert len(ScriptDirectory.from_config(alembic_config).get_heads()) == 1


def test_downgrade_to_base_and_upgrade_again(
    alembic_config: Config, connection: Connection
) -> None:
    """Every downgrade undoes its upgrade, so the history can be walked both ways."""
    command.downgrade(alembic_config, "base")
    assert set(inspect(connection).get_table_names()) == {"alembic_version"}

    command.upgrade(alembic_config, "head")
    assert {"team", "hero"} <= set(inspect(connection).get_table_names())


def test_models_and_migrated_schema_do_not_differ(connection: Connection) -> None:
    """Autogenerate finds nothing to write: the migrations build exactly what the models say."""
    differences = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)

    assert differences == []
