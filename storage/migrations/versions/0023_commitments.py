"""commitments: the commune's commitments, the history of their status, the residents who follow
them, when each commune's organizers were last told of its overdue ones, and the announcement of
a change to its followers

Revision ID: 0023
Revises: 0022
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
WHEN = sa.DateTime(timezone=True)


def _cascade(column: str, table: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=f"fk_{table}_{column}_{target}", ondelete="CASCADE"
    )


def upgrade() -> None:
    op.create_table(
        "commitment",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("commune_code", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("made_by", sa.String(length=120), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("source_kind", sa.String(length=16), nullable=False),
        sa.Column("source_ref", sa.String(length=32), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_commitment"),
    )
    op.create_index("ix_commitment_commune", "commitment", ["commune_code", "status"])
    op.create_table(
        "commitment_event",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("commitment_id", ID, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        _cascade("commitment_id", "commitment_event", "commitment"),
        sa.PrimaryKeyConstraint("id", name="pk_commitment_event"),
    )
    op.create_index("ix_commitment_event_commitment_id", "commitment_event", ["commitment_id"])
    op.create_table(
        "commitment_follower",
        sa.Column("commitment_id", ID, nullable=False),
        sa.Column("resident_id", ID, nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        _cascade("commitment_id", "commitment_follower", "commitment"),
        _cascade("resident_id", "commitment_follower", "resident"),
        sa.PrimaryKeyConstraint("commitment_id", "resident_id", name="pk_commitment_follower"),
    )
    op.create_index("ix_commitment_follower_resident_id", "commitment_follower", ["resident_id"])
    op.create_table(
        "commitment_review",
        sa.Column("commune_code", sa.String(length=16), nullable=False),
        sa.Column("flagged_at", WHEN, nullable=True),
        sa.PrimaryKeyConstraint("commune_code", name="pk_commitment_review"),
    )
    with op.batch_alter_table("announcement") as batch:
        batch.add_column(sa.Column("commitment_id", ID, nullable=True))
        batch.create_foreign_key(
            "fk_announcement_commitment_id_commitment",
            "commitment",
            ["commitment_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch.create_index("ix_announcement_commitment_id", ["commitment_id"])


def downgrade() -> None:
    with op.batch_alter_table("announcement") as batch:
        batch.drop_index("ix_announcement_commitment_id")
        batch.drop_constraint("fk_announcement_commitment_id_commitment", type_="foreignkey")
        batch.drop_column("commitment_id")
    for table in ("commitment_review", "commitment_follower", "commitment_event"):
        op.drop_table(table)
    op.drop_index("ix_commitment_commune", table_name="commitment")
    op.drop_table("commitment")
