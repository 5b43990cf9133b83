"""Teams, and heroes who may belong to one.

Revision ID: 0001
Revises:
Create Date: 2026-11-22

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "team",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("headquarters", sa.String(length=100), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_team")),
        sa.UniqueConstraint("name", name=op.f("uq_team_name")),
    )
    op.create_table(
        "hero",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("secret_name", sa.String(length=100), nullable=False),
        sa.Column("age", sa.Integer(), nullable=True),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"], name=op.f("fk_hero_team_id_team")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hero")),
        sa.UniqueConstraint("name", name=op.f("uq_hero_name")),
    )
    op.create_index(op.f("ix_hero_team_id"), "hero", ["team_id"], unique=False)


def downgrade() -> None:
    # Dropping the table drops its index; MySQL refuses to drop first an index a foreign key uses.
    op.drop_table("hero")
    op.drop_table("team")
