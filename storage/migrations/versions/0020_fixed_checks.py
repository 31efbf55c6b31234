"""fixed checks: when a report's followers were asked whether it is fixed, and each one's
answer

Revision ID: 0020
Revises: 0019
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("report") as batch:
        batch.add_column(sa.Column("fixed_asked_at", WHEN, nullable=True))
    op.create_table(
        "fixed_check",
        sa.Column("report_id", ID, nullable=False),
        sa.Column("resident_id", ID, nullable=False),
        sa.Column("asked_at", WHEN, nullable=False),
        sa.Column("answered_at", WHEN, nullable=True),
        sa.Column("fixed", sa.Boolean(), nullable=True),
        sa.ForeignKeyConstraint(
            ["report_id"], ["report.id"], name="fk_fixed_check_report_id_report", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["resident_id"],
            ["resident.id"],
            name="fk_fixed_check_resident_id_resident",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("report_id", "resident_id", name="pk_fixed_check"),
    )
    op.create_index("ix_fixed_check_resident_id", "fixed_check", ["resident_id"])


def downgrade() -> None:
    op.drop_index("ix_fixed_check_resident_id", table_name="fixed_check")
    op.drop_table("fixed_check")
    with op.batch_alter_table("report") as batch:
        batch.drop_column("fixed_asked_at")
