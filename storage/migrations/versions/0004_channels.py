"""channels: reachability of residents, platform message ids and error codes of deliveries

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("resident") as batch:
        batch.add_column(
            sa.Column("reachable", sa.Boolean(), nullable=False, server_default=sa.true())
        )
    with op.batch_alter_table("delivery") as batch:
        batch.add_column(sa.Column("provider_ref", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("error_code", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_index("ix_delivery_provider_ref", ["provider_ref"])


def downgrade() -> None:
    with op.batch_alter_table("delivery") as batch:
        batch.drop_index("ix_delivery_provider_ref")
        batch.drop_column("updated_at")
        batch.drop_column("error_code")
        batch.drop_column("provider_ref")
    with op.batch_alter_table("resident") as batch:
        batch.drop_column("reachable")
