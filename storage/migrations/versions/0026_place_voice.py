"""a report's voice note may describe its place: report_media.part says which answer a file is
("place" for the place; "" for the description and the photos, as before)

Revision ID: 0026
Revises: 0025
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("report_media", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("part", sa.String(length=16), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("report_media", schema=None) as batch_op:
        batch_op.drop_column("part")
