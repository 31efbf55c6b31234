"""association petitions: a petition's kind, the association that files it and the day its
declaration was received; residents' supports; the checklist its filing needs

Revision ID: 0018
Revises: 0017
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("petition") as batch:
        batch.add_column(
            sa.Column("kind", sa.String(length=16), server_default="residents", nullable=False)
        )
        batch.add_column(sa.Column("association_id", ID, nullable=True))
        batch.add_column(sa.Column("declared_on", sa.Date(), nullable=True))
        batch.create_foreign_key(
            "fk_petition_association_id_community_group",
            "community_group",
            ["association_id"],
            ["id"],
        )
    op.create_table(
        "petition_support",
        sa.Column("petition_id", ID, nullable=False),
        sa.Column("resident_id", ID, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["petition_id"],
            ["petition.id"],
            name="fk_petition_support_petition_id_petition",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["resident_id"],
            ["resident.id"],
            name="fk_petition_support_resident_id_resident",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("petition_id", "resident_id", name="pk_petition_support"),
    )
    op.create_index(
        "ix_petition_support_resident_id", "petition_support", ["resident_id"], unique=False
    )
    op.create_table(
        "petition_check",
        sa.Column("petition_id", ID, nullable=False),
        sa.Column("item", sa.String(length=16), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("years", sa.Integer(), nullable=False),
        sa.Column("ticked_by", sa.String(length=80), nullable=True),
        sa.Column("ticked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["petition_id"],
            ["petition.id"],
            name="fk_petition_check_petition_id_petition",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("petition_id", "item", name="pk_petition_check"),
    )


def downgrade() -> None:
    op.drop_table("petition_check")
    op.drop_index("ix_petition_support_resident_id", table_name="petition_support")
    op.drop_table("petition_support")
    with op.batch_alter_table("petition") as batch:
        batch.drop_constraint("fk_petition_association_id_community_group", type_="foreignkey")
        for column in ("declared_on", "association_id", "kind"):
            batch.drop_column(column)
