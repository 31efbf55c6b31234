"""dashboard: one-time sign-in links and sessions of organizers, what an organizer hid of a
report (its description or a photo) with the reason, in its history too, and the indexes of
the reports list

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_index("ix_report_newest", "report", ["commune_code", "created_at", "id"])
    op.create_index("ix_report_status", "report", ["commune_code", "status", "category"])
    with op.batch_alter_table("report") as batch:
        batch.add_column(sa.Column("hidden_reason", sa.String(length=200), nullable=True))
    with op.batch_alter_table("report_media") as batch:
        batch.add_column(sa.Column("hidden_reason", sa.String(length=200), nullable=True))
    with op.batch_alter_table("report_event") as batch:
        batch.add_column(sa.Column("hidden", sa.String(length=24), nullable=True))
    op.create_table(
        "sign_in_link",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("resident_id", _ID, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["resident_id"],
            ["resident.id"],
            name="fk_sign_in_link_resident_id_resident",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("token_hash", name="pk_sign_in_link"),
    )
    op.create_index("ix_sign_in_link_resident_id", "sign_in_link", ["resident_id"])
    op.create_index("ix_sign_in_link_expires_at", "sign_in_link", ["expires_at"])
    op.create_table(
        "web_session",
        sa.Column("id_hash", sa.String(length=64), nullable=False),
        sa.Column("resident_id", _ID, nullable=False),
        sa.Column("csrf", sa.String(length=64), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["resident_id"],
            ["resident.id"],
            name="fk_web_session_resident_id_resident",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id_hash", name="pk_web_session"),
    )
    op.create_index("ix_web_session_resident_id", "web_session", ["resident_id"])
    op.create_index("ix_web_session_seen_at", "web_session", ["seen_at"])


def downgrade() -> None:
    op.drop_index("ix_report_status", table_name="report")
    op.drop_index("ix_report_newest", table_name="report")
    op.drop_table("web_session")
    op.drop_table("sign_in_link")
    with op.batch_alter_table("report_event") as batch:
        batch.drop_column("hidden")
    with op.batch_alter_table("report_media") as batch:
        batch.drop_column("hidden_reason")
    with op.batch_alter_table("report") as batch:
        batch.drop_column("hidden_reason")
