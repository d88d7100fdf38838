"""the union's programme: organisations by level, programmes, people, qualifiers and
declared conflicts; contests, accounts, entrants and judges linked to them

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 17:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "organisations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("district", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["parent_id"], ["organisations.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_index("ix_organisations_parent_id", "organisations", ["parent_id"])
    op.create_table(
        "programmes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("series", sa.String(length=200), nullable=True),
        sa.Column("budget", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisations.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_programmes_organisation_id", "programmes", ["organisation_id"])
    op.create_table(
        "people",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("unit", sa.String(length=200), nullable=False),
        sa.Column("id_hash", sa.String(length=64), nullable=True),
        sa.Column("id_tail", sa.String(length=4), nullable=True),
        sa.Column("expertise", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_people_id_hash", "people", ["id_hash"])
    op.create_table(
        "qualifiers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("source_event_id", sa.Integer(), nullable=False),
        sa.Column("top", sa.Integer(), nullable=True),
        sa.Column("tier", sa.String(length=64), nullable=True),
        sa.Column("carried_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"]),
        sa.ForeignKeyConstraint(["source_event_id"], ["events.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("event_id", "source_event_id"),
    )
    op.create_index("ix_qualifiers_event_id", "qualifiers", ["event_id"])
    op.create_index("ix_qualifiers_source_event_id", "qualifiers", ["source_event_id"])
    op.create_table(
        "conflicts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("judge_person_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("unit", sa.String(length=200), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["judge_person_id"], ["people.id"]),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_conflicts_judge_person_id", "conflicts", ["judge_person_id"])
    with op.batch_alter_table("contests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("programme_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("organisation_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("trade", sa.String(length=64), nullable=True))
        batch_op.create_index("ix_contests_programme_id", ["programme_id"])
        batch_op.create_index("ix_contests_organisation_id", ["organisation_id"])
        batch_op.create_foreign_key("fk_contests_programme", "programmes", ["programme_id"], ["id"])
        batch_op.create_foreign_key(
            "fk_contests_organisation", "organisations", ["organisation_id"], ["id"]
        )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("organisation_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_users_organisation", "organisations", ["organisation_id"], ["id"]
        )
    with op.batch_alter_table("entrants", schema=None) as batch_op:
        batch_op.add_column(sa.Column("person_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("qualified_from_event_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("qualified_rank", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("qualified_total", sa.String(length=64), nullable=True))
        batch_op.create_index("ix_entrants_person_id", ["person_id"])
        batch_op.create_foreign_key("fk_entrants_person", "people", ["person_id"], ["id"])
        batch_op.create_foreign_key(
            "fk_entrants_qualified_from", "events", ["qualified_from_event_id"], ["id"]
        )
    with op.batch_alter_table("judges", schema=None) as batch_op:
        batch_op.add_column(sa.Column("person_id", sa.Integer(), nullable=True))
        batch_op.create_index("ix_judges_person_id", ["person_id"])
        batch_op.create_foreign_key("fk_judges_person", "people", ["person_id"], ["id"])


def downgrade():
    with op.batch_alter_table("judges", schema=None) as batch_op:
        batch_op.drop_constraint("fk_judges_person", type_="foreignkey")
        batch_op.drop_index("ix_judges_person_id")
        batch_op.drop_column("person_id")
    with op.batch_alter_table("entrants", schema=None) as batch_op:
        batch_op.drop_constraint("fk_entrants_qualified_from", type_="foreignkey")
        batch_op.drop_constraint("fk_entrants_person", type_="foreignkey")
        batch_op.drop_index("ix_entrants_person_id")
        for column in ("qualified_total", "qualified_rank", "qualified_from_event_id", "person_id"):
            batch_op.drop_column(column)
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint("fk_users_organisation", type_="foreignkey")
        batch_op.drop_column("organisation_id")
    with op.batch_alter_table("contests", schema=None) as batch_op:
        batch_op.drop_constraint("fk_contests_organisation", type_="foreignkey")
        batch_op.drop_constraint("fk_contests_programme", type_="foreignkey")
        batch_op.drop_index("ix_contests_organisation_id")
        batch_op.drop_index("ix_contests_programme_id")
        for column in ("trade", "organisation_id", "programme_id"):
            batch_op.drop_column(column)
    for table in ("conflicts", "qualifiers", "people", "programmes", "organisations"):
        op.drop_table(table)
