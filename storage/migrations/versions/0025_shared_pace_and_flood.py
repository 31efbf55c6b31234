"""shared pace and flood buckets: each platform's next free send slot, and each recent writer's
flood bucket under a keyed hash of their address, so that several processes on one PostgreSQL
database keep one platform rate and one allowance per resident

Revision ID: 0025
Revises: 0024
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pace",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("next_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_pace"),
    )
    op.create_table(
        "flood_bucket",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("tokens", sa.Float(), nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
        sa.Column("noticed", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_flood_bucket"),
    )
    op.create_index("ix_flood_bucket_at", "flood_bucket", ["at"])


def downgrade() -> None:
    op.drop_index("ix_flood_bucket_at", table_name="flood_bucket")
    op.drop_table("flood_bucket")
    op.drop_table("pace")
