"""The migrations build exactly the tables the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from storage.database import Database
from storage.models import Base


async def test_migrations_match_the_models(db: Database) -> None:
    async with db.transaction() as tx:
        diff = await tx.run(
            lambda conn: compare_metadata(MigrationContext.configure(conn), Base.metadata)
        )
    assert diff == []
