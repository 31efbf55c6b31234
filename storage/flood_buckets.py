"""Flood buckets shared by every process on one PostgreSQL database (`SharedBuckets`).

A message is first taken from the bucket of the process it reached (conversations/flood.py, no
database work: a flood is turned away there at the cost of a dictionary lookup); one that it
admits is then taken from this one, under a row lock, with the same arithmetic. The row holds a
keyed hash of the address, never the address; idle rows (full again, so like new) are deleted
as others are taken and by the hourly housekeeping, and a resident's row at erasure.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import ColumnElement, Connection, delete, select, update
from sqlalchemy.dialects.postgresql import insert

from conversations.flood import Bucket, Limit, Verdict
from conversations.kit import Address
from storage.database import Database
from storage.models import FLOOD_BUCKET
from storage.vault import Vault

# Every so many messages, the buckets full again are deleted.
PURGE_EVERY = 1000
# A bucket idle this long is deleted by the hourly housekeeping whatever the limit (any limit
# but a most unusual one has filled it again long before).
IDLE_SECONDS = 24 * 3600


class FloodBuckets:
    """The shared buckets; ``clock`` is the wall clock (each process's monotonic one is its
    own)."""

    def __init__(self, db: Database, vault: Vault, clock: Callable[[], float] = time.time) -> None:
        if db.sqlite:
            # One process serves an SQLite file: its own buckets are all the buckets.
            raise ValueError("shared flood buckets need PostgreSQL")
        self.db = db
        self.vault = vault
        self.clock = clock
        self._taken = 0

    async def take(self, address: Address, limit: Limit) -> Verdict:
        key = self.vault.address_key(address.channel, address.user)
        now = self.clock()
        self._taken += 1
        async with self.db.transaction() as tx:
            if self._taken % PURGE_EVERY == 0:
                await tx.run(_purge, now - limit.burst / (limit.per_minute / 60.0))
            return await tx.run(_take, key, now, limit)

    async def forget(self, address: Address) -> None:
        key = self.vault.address_key(address.channel, address.user)
        async with self.db.transaction() as tx:
            await tx.run(lambda conn: conn.execute(delete(FLOOD_BUCKET).where(_is(key))))


def _is(key: str) -> ColumnElement[bool]:
    return FLOOD_BUCKET.c.key == key


def _take(conn: Connection, key: str, now: float, limit: Limit) -> Verdict:
    fresh = {"key": key, "tokens": float(limit.burst), "at": now, "noticed": False}
    conn.execute(insert(FLOOD_BUCKET).values(**fresh).on_conflict_do_nothing())
    row = conn.execute(
        select(FLOOD_BUCKET.c.tokens, FLOOD_BUCKET.c.at, FLOOD_BUCKET.c.noticed)
        .where(_is(key))
        .with_for_update()
    ).one()
    # Another process's clock may be a little behind: time never runs backwards for a bucket.
    bucket = Bucket(row.tokens, min(row.at, now), row.noticed)
    verdict = bucket.take(now, limit)
    conn.execute(
        update(FLOOD_BUCKET)
        .where(_is(key))
        .values(tokens=bucket.tokens, at=bucket.at, noticed=bucket.noticed)
    )
    return verdict


async def forget_idle_buckets(db: Database, now: datetime) -> None:
    """Delete the buckets untouched for a day (`IDLE_SECONDS`), on a quiet process too."""
    if db.sqlite:
        return
    async with db.transaction() as tx:
        await tx.run(_purge, now.timestamp() - IDLE_SECONDS)


def _purge(conn: Connection, idle_since: float) -> None:
    conn.execute(delete(FLOOD_BUCKET).where(FLOOD_BUCKET.c.at < idle_since))
