"""the public board's outbox, written with each change

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 07:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

from competition.models.base import UTCDateTime

# revision identifiers, used by Alembic.
revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "board_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contest_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=8), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("entrant_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["contest_id"], ["contests.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("contest_id", "version", "event_id", "entrant_id"),
    )


def downgrade():
    op.drop_table("board_changes")
