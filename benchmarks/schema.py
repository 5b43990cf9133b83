"""More tables for the rendered project: a service's schema rarely stops at two.

What TRUNCATE, DELETE and drop/create cost grows with every table they touch; what a ROLLBACK
costs does not. The default answers give two tables (team, hero); the published figures this
benchmark checks were measured on twelve, so by default it adds ten more, each a kind of
record kept on a hero (a foreign key to hero.id, an index on it), with a model in models.py
and an Alembic revision of their own. The suite's `record_everything_on_a_hero` tests write
to all of them.
"""

from pathlib import Path

RECORD_MODELS = "HERO_RECORDS"  # the tuple of record models the suite imports
BASE_TABLES = 2  # team and hero

MODEL = """

class {name}(SQLModel, table=True):
    __tablename__ = "{table}"
    id: int | None = Field(default=None, primary_key=True)
    hero_id: int = Field(foreign_key="hero.id", index=True)
    entry: Name
"""

MIGRATION_HEADER = '''\
"""Benchmark only: {count} tables of records kept on heroes (benchmarks/schema.py).

Revision ID: 0002_benchmark
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_benchmark"
down_revision = "0001"
branch_labels = None
depends_on = None
TABLES = {tables!r}


def upgrade() -> None:
    for table in TABLES:
        op.create_table(
            table,
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("hero_id", sa.Integer(), nullable=False),
            sa.Column("entry", sa.String(length=100), nullable=False),
            sa.ForeignKeyConstraint(
                ["hero_id"], ["hero.id"], name=op.f(f"fk_{{table}}_hero_id_hero")
            ),
            sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{{table}}")),
        )
        op.create_index(op.f(f"ix_{{table}}_hero_id"), table, ["hero_id"])


def downgrade() -> None:
    for table in reversed(TABLES):
        op.drop_table(table)
'''


def record_tables(tables: int) -> list[str]:
    """The names of the tables added to reach ``tables`` in all."""
    if tables < BASE_TABLES:
        raise ValueError(f"--tables must be at least {BASE_TABLES}: the project has team and hero")
    return [f"hero_record_{number:02d}" for number in range(1, tables - BASE_TABLES + 1)]


def extend_schema(project: Path, package: str, tables: int) -> None:
    """Add the record tables to the project's models and migrations."""
    names = record_tables(tables)
    classes = [f"HeroRecord{number:02d}" for number in range(1, len(names) + 1)]
    models = project / "src" / package / "models.py"
    added = [
        MODEL.format(name=name, table=table) for name, table in zip(classes, names, strict=True)
    ]
    all_records = f"\n\n{RECORD_MODELS} = ({''.join(f'{name}, ' for name in classes)})\n"
    models.write_text(models.read_text() + "".join(added) + all_records)
    migration = project / "migrations" / "versions" / "0002_benchmark_tables.py"
    migration.write_text(MIGRATION_HEADER.format(count=len(names), tables=tuple(names)))
