"""priority: each delivery carries its recipient's channel and a priority, set when queued, and
one index serves the claim of one channel's rows, the most urgent and oldest first

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

# The values of storage.deliveries.Priority when this revision was written.
BULK, MEETING, PERSONAL = 0, 1, 2
MEETING_KINDS = ("meeting", "reminder", "moved", "cancelled")


def upgrade() -> None:
    with op.batch_alter_table("delivery") as batch:
        batch.add_column(sa.Column("channel", sa.String(length=16), nullable=True))
        batch.add_column(
            sa.Column("priority", sa.SmallInteger(), nullable=False, server_default=str(BULK))
        )
    # Rows already queued: the channel of their resident, and the priority of what they carry.
    # A row that is not an announcement's was queued for one resident: personal.
    delivery = sa.table(
        "delivery",
        *map(sa.column, ("resident_id", "message_key", "channel", "priority")),
    )
    resident = sa.table("resident", sa.column("id"), sa.column("channel"))
    announcement = sa.table("announcement", sa.column("id"), sa.column("kind"))
    theirs = sa.select(resident.c.channel).where(resident.c.id == delivery.c.resident_id)
    op.execute(delivery.update().values(channel=theirs.scalar_subquery()))
    personal = delivery.c.message_key.not_like("announcement:%")
    op.execute(delivery.update().where(personal).values(priority=PERSONAL))
    meetings = sa.select(
        sa.literal("announcement:", sa.String()) + sa.cast(announcement.c.id, sa.String())
    ).where(announcement.c.kind.in_(MEETING_KINDS))
    op.execute(
        delivery.update().where(delivery.c.message_key.in_(meetings)).values(priority=MEETING)
    )
    with op.batch_alter_table("delivery") as batch:
        batch.alter_column("channel", existing_type=sa.String(length=16), nullable=False)
        batch.alter_column("priority", existing_type=sa.SmallInteger(), server_default=None)
        batch.drop_index("ix_delivery_due")
        batch.create_index(
            "ix_delivery_claim", ["status", "channel", "priority", "next_attempt_at", "id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("delivery") as batch:
        batch.drop_index("ix_delivery_claim")
        batch.create_index("ix_delivery_due", ["status", "next_attempt_at"])
        batch.drop_column("priority")
        batch.drop_column("channel")
