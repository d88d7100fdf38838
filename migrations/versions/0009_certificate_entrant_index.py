"""certificates are looked up by entrant: a person's record reads those of every entrant
they were

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-08 00:00:00.000000

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_certificates_entrant_id", "certificates", ["entrant_id"])


def downgrade():
    op.drop_index("ix_certificates_entrant_id", table_name="certificates")
