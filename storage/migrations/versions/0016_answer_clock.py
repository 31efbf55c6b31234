"""answer clock: a filed petition's deposit day, the commune's receipt number, the day the
council's legal delay ends, and when the organizer's reminder and the signers' end notice were
queued

Revision ID: 0016
Revises: 0015
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

COLUMNS = ("deposited_on", "receipt", "answer_due", "reminded_at", "lapse_told_at")


def upgrade() -> None:
    with op.batch_alter_table("petition") as batch:
        batch.add_column(sa.Column("deposited_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("receipt", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("answer_due", sa.Date(), nullable=True))
        batch.add_column(sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("lapse_told_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("petition") as batch:
        for column in reversed(COLUMNS):
            batch.drop_column(column)
