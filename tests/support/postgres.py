"""The PostgreSQL server the tests use: where it is, whether it answers, a database emptied
between tests, and a throw-away database dropped without waiting."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg

from storage.models import Base

PG_HOST, PG_PORT, PG_USER, PG_ADMIN_DB = "127.0.0.1", 5432, "postgres", "test"
IN_CI = os.environ.get("CI", "").lower() == "true"
# Children before their parents, so that no foreign key is in the way.
TABLES = [table.name for table in reversed(Base.metadata.sorted_tables)]
# The sequences of the tables' serial and identity columns.
_OWNED = """
    SELECT s.oid::regclass::text FROM pg_class s
    JOIN pg_depend d
      ON d.classid = 'pg_class'::regclass AND d.objid = s.oid AND d.deptype IN ('a', 'i')
    JOIN pg_class t ON t.oid = d.refobjid
    WHERE s.relkind = 'S' AND t.relname = ANY($1::text[])
    ORDER BY 1
"""
_emptying: dict[str, str] = {}


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


async def empty(url: str) -> None:
    """Every table the models define emptied and their sequences restarted, as `TRUNCATE …
    RESTART IDENTITY` leaves them: each test starts from an empty database. DELETE, in one
    round trip, is many times quicker than TRUNCATE on tables a test fills."""
    conn = await asyncpg.connect(url.replace("postgresql://", "postgres://"))
    try:
        if url not in _emptying:
            sequences = [row[0] for row in await conn.fetch(_OWNED, TABLES)]
            _emptying[url] = ";".join(
                [f'DELETE FROM "{name}"' for name in TABLES]
                + [f"ALTER SEQUENCE {sequence} RESTART" for sequence in sequences]
            )
        await conn.execute(_emptying[url])  # one implicit transaction
    finally:
        await conn.close()


def drop_later(name: str) -> None:
    """Drop the throw-away database ``name`` from a process of its own, without waiting: on
    PostgreSQL 15, DROP DATABASE waits for a checkpoint of the whole server, seconds long on a
    busy one."""
    # The shell starts it in the background and ends at once: nothing is left to wait for here.
    subprocess.run(
        ["sh", "-c", '"$0" -c "$1" "$2" </dev/null >/dev/null 2>&1 &', sys.executable, _DROP, name],
        check=True,
        start_new_session=True,
    )


_DROP = f"""
import asyncio, sys
import asyncpg

async def drop(name):
    conn = await asyncpg.connect(
        host={PG_HOST!r}, port={PG_PORT!r}, user={PG_USER!r}, database={PG_ADMIN_DB!r}
    )
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{{name}}" WITH (FORCE)')
    finally:
        await conn.close()

asyncio.run(drop(sys.argv[1]))
"""


async def admin(sql: str) -> None:
    """One statement on the server's administration database (CREATE or DROP DATABASE)."""
    conn = await asyncpg.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, database=PG_ADMIN_DB)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@asynccontextmanager
async def throwaway(prefix: str) -> AsyncIterator[str]:
    """The URL of a new, empty database of its own, dropped afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    await admin(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql://{PG_USER}@{PG_HOST}:{PG_PORT}/{name}"
    finally:
        drop_later(name)
