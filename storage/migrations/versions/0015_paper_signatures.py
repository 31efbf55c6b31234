"""paper signatures: a signature's source (the chat, or a paper sheet an organizer entered),
its sheet, the day it was signed on paper, the signer's residence or interest, who entered it

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("signature") as batch:
        batch.add_column(
            sa.Column("source", sa.String(length=8), server_default="chat", nullable=False)
        )
        batch.add_column(sa.Column("sheet", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("signed_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("residence", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("entered_by", sa.String(length=80), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("signature") as batch:
        for column in ("entered_by", "residence", "signed_on", "sheet", "source"):
            batch.drop_column(column)
