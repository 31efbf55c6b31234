"""signature keys: how each signature's CIN hash was computed; the rows already there keep the
old way (1, the CIN as typed) until the housekeeping hashes them again from the sealed CIN

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The migration has no HAYNA_SECRET_KEY, so it cannot hash anything: it only says which
    # rows still need it.
    with op.batch_alter_table("signature") as batch:
        batch.add_column(sa.Column("key_version", sa.Integer(), server_default="1", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("signature") as batch:
        batch.drop_column("key_version")
