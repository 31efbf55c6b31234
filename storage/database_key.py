"""The key a database was first used with, kept as its fingerprint.

Every CIN is found again by its HMAC under HAYNA_SECRET_KEY: a process with another key would
not find the earlier signatures (the same card could sign twice) nor open the sealed CINs. So
the first process records the fingerprint of its key, and every later one compares before it
writes anything.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, inspect, select

from storage.database import Database
from storage.dialect import insert_ignore
from storage.models import DATABASE_KEY

ROW = 1


def _recorded(conn: Connection) -> str | None:
    # A database older than the table has no fingerprint yet: the first process records one.
    if not inspect(conn).has_table(DATABASE_KEY.name):
        return None
    query = select(DATABASE_KEY.c.fingerprint).where(DATABASE_KEY.c.id == ROW)
    found: str | None = conn.execute(query).scalar_one_or_none()
    return found


def _claim(conn: Connection, fingerprint: str, now: datetime) -> str:
    insert_ignore(conn, DATABASE_KEY, id=ROW, fingerprint=fingerprint, recorded_at=now)
    recorded = _recorded(conn)
    assert recorded is not None
    return recorded


async def recorded_fingerprint(db: Database) -> str | None:
    """The fingerprint recorded in the database, if any; reads only."""
    async with db.transaction() as tx:
        return await tx.run(_recorded)


async def claim_fingerprint(db: Database, fingerprint: str, now: datetime) -> str:
    """Record ``fingerprint`` unless one is already there; return the one recorded.

    The row's primary key decides between two first processes: exactly one insert wins, and
    the other sees the winner's fingerprint.
    """
    async with db.transaction() as tx:
        return await tx.run(_claim, fingerprint, now)
