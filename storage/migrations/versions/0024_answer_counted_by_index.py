"""answers counted from their index: the consultation's results read every column they count
(the option, the answer set, whether skipped, a scale's value) from one index, never the rows

Revision ID: 0024
Revises: 0023
"""

from __future__ import annotations

from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None

COUNTED = ["question_id", "option", "answer_set_id", "skipped", "value"]


def upgrade() -> None:
    op.drop_index("ix_answer_question", table_name="answer")
    op.create_index("ix_answer_question", "answer", COUNTED)


def downgrade() -> None:
    op.drop_index("ix_answer_question", table_name="answer")
    op.create_index("ix_answer_question", "answer", ["question_id", "option"])
