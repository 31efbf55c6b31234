"""The PostgreSQL server the tests use: where it is, whether it answers, emptying a database."""

from __future__ import annotations

import os

import asyncpg

from storage.models import Base

PG_HOST, PG_PORT, PG_USER, PG_ADMIN_DB = "127.0.0.1", 5432, "postgres", "test"
IN_CI = os.environ.get("CI", "").lower() == "true"


async def pg_reachable() -> str | None:
    """None when PostgreSQL answers, else why not."""
    try:
        conn = await asyncpg.connect(
            host=PG_HOST, port=PG_PORT, user=PG_USER, database=PG_ADMIN_DB, timeout=3
        )
    except (OSError, asyncpg.PostgresError, TimeoutError) as error:
        return f"PostgreSQL is not reachable at {PG_HOST}:{PG_PORT} ({error})"
    await conn.close()
    return None


async def truncate(url: str) -> None:
    conn = await asyncpg.connect(url.replace("postgresql://", "postgres://"))
    try:
        # Every table the models define: each test starts from an empty database.
        tables = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
        await conn.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
    finally:
        await conn.close()
