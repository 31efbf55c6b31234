"""resident order: an index on a delivery's resident, so a claim can see at once whether an
earlier push to the same resident is still waiting or in flight

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_delivery_resident", "delivery", ["resident_id", "status", "priority", "id"])


def downgrade() -> None:
    op.drop_index("ix_delivery_resident", table_name="delivery")
