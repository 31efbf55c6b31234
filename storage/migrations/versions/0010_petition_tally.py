"""petition_tally: a petition's count in shards that signers add to at the same moment, folded
into petition.signatures by the housekeeping (storage/tally.py)

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    # petition.signatures stays the count of every petition: their tallies start empty.
    op.create_table(
        "petition_tally",
        sa.Column("petition_id", ID, nullable=False),
        sa.Column("shard", sa.Integer(), nullable=False),
        sa.Column("signatures", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["petition_id"],
            ["petition.id"],
            name="fk_petition_tally_petition_id_petition",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("petition_id", "shard", name="pk_petition_tally"),
    )


def downgrade() -> None:
    # The count goes back whole into petition.signatures before its shards go.
    op.execute(
        "UPDATE petition SET signatures = signatures + (SELECT coalesce(sum(t.signatures), 0)"
        " FROM petition_tally t WHERE t.petition_id = petition.id)"
    )
    op.drop_table("petition_tally")
