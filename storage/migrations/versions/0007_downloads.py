"""downloads: files sent with replies, served at a secret URL until they expire

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "download",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column(
            "resident_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("filename", sa.String(length=120), nullable=False),
        sa.Column("content_type", sa.String(length=80), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["resident_id"],
            ["resident.id"],
            name="fk_download_resident_id_resident",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_download"),
        sa.UniqueConstraint("token_hash", name="uq_download_token_hash"),
    )
    op.create_index("ix_download_resident_id", "download", ["resident_id"])
    op.create_index("ix_download_expires_at", "download", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_download_expires_at", table_name="download")
    op.drop_index("ix_download_resident_id", table_name="download")
    op.drop_table("download")
