"""The delivery outbox: one row per (message, recipient), claimed by one dispatcher at a time.

A claim is a lease: a process that dies mid-send leaves the row to come due again, so nothing is
lost; the unique key means nothing is queued twice. Rows are claimed with SKIP LOCKED on
PostgreSQL so several processes share the work without waiting on each other.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection, func, select, update

from storage.database import Database
from storage.dialect import insert_ignore
from storage.models import DELIVERY, RESIDENT

LEASE = timedelta(minutes=2)


class Status(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    UNREACHABLE = "unreachable"


@dataclass(frozen=True, slots=True)
class Due:
    """A claimed delivery, with what the dispatcher needs to render and address it."""

    id: int
    channel: str
    user_id: str
    language: str | None
    body: Any
    attempts: int


def enqueue(conn: Connection, key: str, resident_id: int, body: Any, now: datetime) -> bool:
    """Queue ``body`` (a renderable's JSON) for a resident; False when it was queued before."""
    return insert_ignore(
        conn,
        DELIVERY,
        message_key=key,
        resident_id=resident_id,
        body=json.dumps(body, ensure_ascii=False),
        status=Status.PENDING,
        attempts=0,
        next_attempt_at=now,
        created_at=now,
    )


def _claim(conn: Connection, now: datetime, limit: int) -> list[Due]:
    due = (
        select(DELIVERY.c.id)
        .where(
            DELIVERY.c.status.in_((Status.PENDING, Status.SENDING)),
            DELIVERY.c.next_attempt_at <= now,
        )
        .order_by(DELIVERY.c.next_attempt_at, DELIVERY.c.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    ids = list(conn.execute(due).scalars())
    if not ids:
        return []
    conn.execute(
        update(DELIVERY)
        .where(DELIVERY.c.id.in_(ids))
        .values(
            status=Status.SENDING, next_attempt_at=now + LEASE, attempts=DELIVERY.c.attempts + 1
        )
    )
    rows = conn.execute(
        select(
            DELIVERY.c.id,
            RESIDENT.c.channel,
            RESIDENT.c.user_id,
            RESIDENT.c.language,
            DELIVERY.c.body,
            DELIVERY.c.attempts,
        )
        .join(RESIDENT, RESIDENT.c.id == DELIVERY.c.resident_id)
        .where(DELIVERY.c.id.in_(ids))
        .order_by(DELIVERY.c.id)
    )
    return [
        Due(r.id, r.channel, r.user_id, r.language, json.loads(r.body), r.attempts) for r in rows
    ]


def _finish(conn: Connection, delivery_id: int, values: dict[str, Any]) -> None:
    conn.execute(update(DELIVERY).where(DELIVERY.c.id == delivery_id).values(**values))


def _counts(conn: Connection) -> dict[str, int]:
    rows = conn.execute(select(DELIVERY.c.status, func.count()).group_by(DELIVERY.c.status))
    return {status: count for status, count in rows}


class DeliveryQueue:
    """The dispatcher's view of the outbox."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def enqueue(self, key: str, resident_id: int, body: Any, now: datetime) -> bool:
        async with self.db.transaction() as tx:
            return await tx.run(enqueue, key, resident_id, body, now)

    async def claim(self, now: datetime, limit: int = 50) -> list[Due]:
        async with self.db.transaction() as tx:
            return await tx.run(_claim, now, limit)

    async def sent(self, delivery_id: int, now: datetime) -> None:
        await self._finish(delivery_id, {"status": Status.SENT, "sent_at": now, "last_error": None})

    async def retry(self, delivery_id: int, error: str, at: datetime) -> None:
        values = {"status": Status.PENDING, "next_attempt_at": at, "last_error": error[:500]}
        await self._finish(delivery_id, values)

    async def give_up(self, delivery_id: int, status: Status, error: str) -> None:
        await self._finish(delivery_id, {"status": status, "last_error": error[:500]})

    async def counts(self) -> dict[str, int]:
        async with self.db.transaction() as tx:
            return await tx.run(_counts)

    async def _finish(self, delivery_id: int, values: dict[str, Any]) -> None:
        async with self.db.transaction() as tx:
            await tx.run(_finish, delivery_id, values)
