"""rights: the consent ledger, petition flags, and the index the burst check counts on

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "consent",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "resident_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("version", sa.String(length=16), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["resident_id"],
            ["resident.id"],
            name="fk_consent_resident_id_resident",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_consent"),
    )
    op.create_index("ix_consent_resident_id", "consent", ["resident_id"])
    op.create_table(
        "petition_flag",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "petition_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("hour", sa.String(length=13), nullable=False),
        sa.Column("signatures", sa.Integer(), nullable=False),
        sa.Column("young", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["petition_id"],
            ["petition.id"],
            name="fk_petition_flag_petition_id_petition",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_petition_flag"),
        sa.UniqueConstraint("petition_id", "kind", "hour", name="uq_petition_flag"),
    )
    op.create_index("ix_signature_recent", "signature", ["petition_id", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_signature_recent", table_name="signature")
    op.drop_table("petition_flag")
    op.drop_index("ix_consent_resident_id", table_name="consent")
    op.drop_table("consent")
