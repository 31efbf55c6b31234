"""meeting outcomes: RSVP codes checked in at the door, a meeting's outcome, its attendance by
group and its decisions

Revision ID: 0022
Revises: 0021
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
WHEN = sa.DateTime(timezone=True)


def _meeting(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["meeting_id"], ["meeting.id"], name=f"fk_{table}_meeting_id_meeting", ondelete="CASCADE"
    )


def upgrade() -> None:
    with op.batch_alter_table("rsvp") as batch:
        batch.add_column(sa.Column("code", sa.String(8), nullable=True))
        batch.add_column(sa.Column("checked_in_at", WHEN, nullable=True))
        batch.create_unique_constraint("uq_rsvp_meeting_id", ["meeting_id", "code"])
    op.create_table(
        "meeting_outcome",
        sa.Column("meeting_id", ID, nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("attended", sa.Integer(), nullable=False),
        sa.Column("recorded_by", sa.String(80), nullable=False),
        sa.Column("recorded_at", WHEN, nullable=False),
        sa.Column("published_at", WHEN, nullable=True),
        _meeting("meeting_outcome"),
        sa.PrimaryKeyConstraint("meeting_id", name="pk_meeting_outcome"),
    )
    op.create_table(
        "meeting_attendance",
        sa.Column("meeting_id", ID, nullable=False),
        sa.Column("group_id", ID, nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        _meeting("meeting_attendance"),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["community_group.id"],
            name="fk_meeting_attendance_group_id_community_group",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("meeting_id", "group_id", name="pk_meeting_attendance"),
    )
    op.create_table(
        "meeting_decision",
        sa.Column("meeting_id", ID, nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(300), nullable=False),
        sa.Column("responsible", sa.String(120), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        _meeting("meeting_decision"),
        sa.PrimaryKeyConstraint("meeting_id", "position", name="pk_meeting_decision"),
    )


def downgrade() -> None:
    op.drop_table("meeting_decision")
    op.drop_table("meeting_attendance")
    op.drop_table("meeting_outcome")
    with op.batch_alter_table("rsvp") as batch:
        batch.drop_constraint("uq_rsvp_meeting_id", type_="unique")
        batch.drop_column("checked_in_at")
        batch.drop_column("code")
