"""consultations: a consultation's texts, audience and times, its questions, and the answer
sets residents give (one each), with one row per option chosen, value, text or voice note

Revision ID: 0019
Revises: 0018
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
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
        "consultation",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("commune_code", sa.String(length=16), nullable=False),
        sa.Column("asked_by", sa.String(length=120), nullable=False),
        sa.Column("title", sa.JSON(), nullable=False),
        sa.Column("purpose", sa.JSON(), nullable=False),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("opens_at", WHEN, nullable=False),
        sa.Column("closes_at", WHEN, nullable=False),
        sa.Column("meeting_id", ID, nullable=True),
        sa.Column("reached", sa.Integer(), nullable=False),
        sa.Column("reminded_at", WHEN, nullable=True),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meeting.id"],
            name="fk_consultation_meeting_id_meeting",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_consultation"),
    )
    op.create_index("ix_consultation_open", "consultation", ["commune_code", "status"])
    op.create_table(
        "consultation_group",
        sa.Column("consultation_id", ID, nullable=False),
        sa.Column("group_id", ID, nullable=False),
        _cascade("consultation_id", "consultation_group", "consultation"),
        _cascade("group_id", "consultation_group", "community_group"),
        sa.PrimaryKeyConstraint("consultation_id", "group_id", name="pk_consultation_group"),
    )
    op.create_table(
        "consultation_question",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("consultation_id", ID, nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("prompt", sa.JSON(), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("optional", sa.Boolean(), nullable=False),
        sa.Column("most", sa.Integer(), nullable=False),
        _cascade("consultation_id", "consultation_question", "consultation"),
        sa.PrimaryKeyConstraint("id", name="pk_consultation_question"),
        sa.UniqueConstraint(
            "consultation_id", "position", name="uq_consultation_question_consultation_id"
        ),
    )
    op.create_table(
        "answer_set",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("consultation_id", ID, nullable=False),
        sa.Column("resident_id", ID, nullable=True),
        sa.Column("commune_code", sa.String(length=16), nullable=True),
        sa.Column("started_at", WHEN, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.Column("completed_at", WHEN, nullable=True),
        _cascade("consultation_id", "answer_set", "consultation"),
        sa.ForeignKeyConstraint(
            ["resident_id"],
            ["resident.id"],
            name="fk_answer_set_resident_id_resident",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_answer_set"),
        sa.UniqueConstraint("consultation_id", "resident_id", name="uq_answer_set_consultation_id"),
    )
    op.create_index("ix_answer_set_resident_id", "answer_set", ["resident_id"])
    op.create_table(
        "answer",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("answer_set_id", ID, nullable=False),
        sa.Column("question_id", ID, nullable=False),
        sa.Column("option", sa.SmallInteger(), nullable=True),
        sa.Column("value", sa.SmallInteger(), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("voice", sa.String(length=300), nullable=True),
        sa.Column("skipped", sa.Boolean(), nullable=False),
        sa.Column("hidden", sa.Boolean(), nullable=False),
        _cascade("answer_set_id", "answer", "answer_set"),
        _cascade("question_id", "answer", "consultation_question"),
        sa.PrimaryKeyConstraint("id", name="pk_answer"),
    )
    op.create_index("ix_answer_answer_set_id", "answer", ["answer_set_id"])
    op.create_index("ix_answer_question", "answer", ["question_id", "option"])
    with op.batch_alter_table("announcement") as batch:
        batch.add_column(sa.Column("consultation_id", ID, nullable=True))
        batch.create_foreign_key(
            "fk_announcement_consultation_id_consultation",
            "consultation",
            ["consultation_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch.create_index("ix_announcement_consultation_id", ["consultation_id"])


def downgrade() -> None:
    with op.batch_alter_table("announcement") as batch:
        batch.drop_index("ix_announcement_consultation_id")
        batch.drop_constraint("fk_announcement_consultation_id_consultation", type_="foreignkey")
        batch.drop_column("consultation_id")
    for table in ("answer", "answer_set", "consultation_question", "consultation_group"):
        op.drop_table(table)
    op.drop_index("ix_consultation_open", table_name="consultation")
    op.drop_table("consultation")
