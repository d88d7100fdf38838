"""wrong judge PINs counted in the database

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 11:30:00.000000

"""

import sqlalchemy as sa
from alembic import op

from competition.models.base import UTCDateTime

# revision identifiers, used by Alembic.
revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("judges", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("failed_pins", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column("pin_locked_until", UTCDateTime(timezone=True), nullable=True)
        )


def downgrade():
    with op.batch_alter_table("judges", schema=None) as batch_op:
        batch_op.drop_column("pin_locked_until")
        batch_op.drop_column("failed_pins")
