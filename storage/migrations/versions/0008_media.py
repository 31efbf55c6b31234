"""media: photos sent with organizers' updates, referred to by announcements and deliveries;
a photo sent in the chat waits on the announcement as its platform's reference until fetched

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "media",
        sa.Column("id", ID, nullable=False),
        sa.Column("content_type", sa.String(length=80), nullable=False),
        sa.Column("filename", sa.String(length=120), nullable=False),
        sa.Column("bytes", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_media"),
    )
    op.create_index("ix_media_sha256", "media", ["sha256"])
    for name in ("announcement", "delivery"):
        with op.batch_alter_table(name) as batch:
            batch.add_column(sa.Column("media_id", ID, nullable=True))
            batch.create_foreign_key(
                f"fk_{name}_media_id_media", "media", ["media_id"], ["id"], ondelete="SET NULL"
            )
    with op.batch_alter_table("announcement") as batch:
        batch.add_column(sa.Column("photo_channel", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("photo_ref", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("announcement") as batch:
        batch.drop_column("photo_ref")
        batch.drop_column("photo_channel")
    for name in ("delivery", "announcement"):
        with op.batch_alter_table(name) as batch:
            batch.drop_constraint(f"fk_{name}_media_id_media", type_="foreignkey")
            batch.drop_column("media_id")
    op.drop_index("ix_media_sha256", table_name="media")
    op.drop_table("media")
