"""A table's rows and their count, read in one transaction."""

from __future__ import annotations

from sqlalchemy import func, select

from storage.database import Database


async def rows(db: Database, table, **where: object) -> list[dict[str, object]]:
    async with db.transaction() as tx:
        query = select(table).filter_by(**where)
        found = await tx.run(lambda conn: conn.execute(query).all())
    return [dict(row._mapping) for row in found]


async def count(db: Database, table) -> int:
    async with db.transaction() as tx:
        return await tx.run(
            lambda c: c.execute(select(func.count()).select_from(table)).scalar_one()
        )
