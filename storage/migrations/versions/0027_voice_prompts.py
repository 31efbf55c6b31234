"""voice prompts: the recordings organizers make of the resident flows' questions, per spoken
language, and each resident's choice to hear them

Revision ID: 0027
Revises: 0026
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("resident") as batch:
        batch.add_column(sa.Column("voice", sa.Boolean(), nullable=True))
    op.create_table(
        "prompt",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("content_type", sa.String(length=40), nullable=False),
        sa.Column("bytes", sa.LargeBinary(), nullable=True),
        sa.Column("seconds", sa.Float(), nullable=True),
        sa.Column("channel", sa.String(length=16), nullable=True),
        sa.Column("ref", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_prompt"),
    )
    op.create_index("ix_prompt_key_language", "prompt", ["key", "language"])


def downgrade() -> None:
    op.drop_index("ix_prompt_key_language", table_name="prompt")
    op.drop_table("prompt")
    with op.batch_alter_table("resident") as batch:
        batch.drop_column("voice")
