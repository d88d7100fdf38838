"""an event's chosen item count; a contest's time zone, and the issuer, date and seal of its
official documents

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 16:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("item_count", sa.Integer(), nullable=True))
    with op.batch_alter_table("contests", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "time_zone", sa.String(length=64), server_default="Asia/Shanghai", nullable=False
            )
        )
        batch_op.add_column(sa.Column("issuer", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("issued_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("seal_image", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("seal_type", sa.String(length=32), nullable=True))


def downgrade():
    with op.batch_alter_table("contests", schema=None) as batch_op:
        for column in ("seal_type", "seal_image", "issued_on", "issuer", "time_zone"):
            batch_op.drop_column(column)
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_column("item_count")
