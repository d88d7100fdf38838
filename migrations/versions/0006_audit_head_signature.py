"""the audit head signed with the server's key, so a rewritten chain cannot be passed off

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 12:00:00.000000

"""

import hashlib
import hmac

import sqlalchemy as sa
from alembic import op
from flask import current_app

# revision identifiers, used by Alembic.
revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("audit_head", schema=None) as batch_op:
        batch_op.add_column(sa.Column("signature", sa.String(length=64), nullable=True))
    # the head as it stands is signed now (competition.services.audit.head_signature), so a
    # chain verified before the upgrade verifies after it
    connection = op.get_bind()
    head = connection.execute(sa.text("SELECT seq, hash FROM audit_head WHERE id = 1")).first()
    if head is not None:
        key = hmac.new(
            str(current_app.config["SECRET_KEY"]).encode(), b"audit head", hashlib.sha256
        ).digest()
        text = f"{int(head[0])}:{head[1]}".encode()
        signature = hmac.new(key, text, hashlib.sha256).hexdigest()
        connection.execute(
            sa.text("UPDATE audit_head SET signature = :signature WHERE id = 1"),
            {"signature": signature},
        )


def downgrade():
    with op.batch_alter_table("audit_head", schema=None) as batch_op:
        batch_op.drop_column("signature")
