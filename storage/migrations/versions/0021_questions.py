"""questions: a resident's question to the organizers (a ticket), its messages, and the canned
answers of each commune

Revision ID: 0021
Revises: 0020
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
WHEN = sa.DateTime(timezone=True)


def _to_resident(column: str, table: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], ["resident.id"], name=f"fk_{table}_{column}_resident", ondelete=ondelete
    )


def upgrade() -> None:
    op.create_table(
        "question",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("resident_id", ID, nullable=False),
        sa.Column("commune_code", sa.String(16), nullable=False),
        sa.Column("group_id", ID, nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("media_ref", sa.String(300), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("claimed_by", ID, nullable=True),
        sa.Column("claimed_at", WHEN, nullable=True),
        sa.Column("answered_by", ID, nullable=True),
        sa.Column("answered_at", WHEN, nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("last_activity_at", WHEN, nullable=False),
        _to_resident("resident_id", "question", "CASCADE"),
        _to_resident("claimed_by", "question", "SET NULL"),
        _to_resident("answered_by", "question", "SET NULL"),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["community_group.id"],
            name="fk_question_group_id_community_group",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_question"),
    )
    op.create_index("ix_question_resident_id", "question", ["resident_id"])
    op.create_index("ix_question_scope", "question", ["commune_code", "status", "id"])
    op.create_index("ix_question_quiet", "question", ["status", "last_activity_at"])
    op.create_table(
        "question_message",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("question_id", ID, nullable=False),
        sa.Column("author", sa.String(16), nullable=False),
        sa.Column("organizer_id", ID, nullable=True),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("media_ref", sa.String(300), nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["question.id"],
            name="fk_question_message_question_id_question",
            ondelete="CASCADE",
        ),
        _to_resident("organizer_id", "question_message", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name="pk_question_message"),
    )
    op.create_index("ix_question_message_question_id", "question_message", ["question_id"])
    op.create_index("ix_question_message_organizer_id", "question_message", ["organizer_id"])
    op.create_table(
        "canned_answer",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("commune_code", sa.String(16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(80), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_canned_answer"),
    )
    op.create_index("ix_canned_answer_commune_code", "canned_answer", ["commune_code"])


def downgrade() -> None:
    op.drop_index("ix_canned_answer_commune_code", table_name="canned_answer")
    op.drop_table("canned_answer")
    op.drop_index("ix_question_message_organizer_id", table_name="question_message")
    op.drop_index("ix_question_message_question_id", table_name="question_message")
    op.drop_table("question_message")
    op.drop_index("ix_question_quiet", table_name="question")
    op.drop_index("ix_question_scope", table_name="question")
    op.drop_index("ix_question_resident_id", table_name="question")
    op.drop_table("question")
