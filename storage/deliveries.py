"""The delivery outbox: one row per (message, recipient), claimed by one dispatcher at a time.

Each row carries its recipient's channel and a priority, both set when it is queued: a claim
takes one channel's rows only, the most urgent first and, within a priority, the oldest first,
so a resident's own notice never waits behind an update to a whole commune, nor a Telegram push
behind a WhatsApp backlog.

A claim is a lease: a process that dies mid-send leaves the row to come due again, so nothing is
lost; the unique key means nothing is queued twice. Rows are claimed with SKIP LOCKED on
PostgreSQL so several processes share the work without waiting on each other, and every outcome
is written only by the claim that still owns the row (same attempt, still sending), so a process
whose lease ran out cannot overwrite the work of the one that took over.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import IntEnum, StrEnum
from functools import cache
from typing import Any

from sqlalchemy import (
    Connection,
    Update,
    and_,
    bindparam,
    column,
    func,
    or_,
    select,
    update,
    values,
)

from storage.database import Database
from storage.dialect import insert_of
from storage.models import CONVERSATION, DELIVERY, RESIDENT
from storage.prepared import Prepared

LEASE = timedelta(minutes=2)


class Priority(IntEnum):
    """How soon a push goes beside the others queued on its channel: higher first.

    As nyaruka/courier keeps a default queue before a bulk one: a broadcast to 100,000
    residents takes about 21 minutes on WhatsApp and 56 on Telegram, and nothing personal or
    time-bound may wait that long behind it.
    """

    # An organizer's update to an audience.
    BULK = 0
    # A meeting's notice, reminders, change of time or cancellation: worth nothing once the
    # meeting has passed. The notice shares the reminders' priority so it never follows them.
    MEETING = 1
    # One resident's own matter (their report's status, a petition they signed, an organizer's
    # alert): anything queued for one resident at a time.
    PERSONAL = 2


# The order a claim takes them in.
_MOST_URGENT_FIRST = sorted(Priority, reverse=True)


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    UNREACHABLE = "unreachable"
    # The resident said "stop": the push is dropped, not delayed until they say "start".
    OPTED_OUT = "opted_out"
    # What a platform's status callbacks report after SENT.
    DELIVERED = "delivered"
    READ = "read"
    UNDELIVERED = "undelivered"


# A status callback moves a delivery only forward: callbacks can arrive out of order.
_CALLBACK_FROM: dict[DeliveryStatus, tuple[DeliveryStatus, ...]] = {
    DeliveryStatus.SENT: (DeliveryStatus.SENDING,),
    DeliveryStatus.DELIVERED: (DeliveryStatus.SENDING, DeliveryStatus.SENT),
    DeliveryStatus.READ: (DeliveryStatus.SENDING, DeliveryStatus.SENT, DeliveryStatus.DELIVERED),
    DeliveryStatus.FAILED: (DeliveryStatus.SENDING, DeliveryStatus.SENT),
    DeliveryStatus.UNDELIVERED: (DeliveryStatus.SENDING, DeliveryStatus.SENT),
}


@dataclass(frozen=True, slots=True)
class Due:
    """A claimed delivery, with what the dispatcher needs to render, address and record it."""

    id: int
    channel: str
    user_id: str
    language: str | None
    pushes_enabled: bool
    body: Any
    attempts: int
    lease_until: datetime
    reachable: bool = True
    # The resident's last message, if they ever wrote (WhatsApp's 24-hour window).
    last_inbound_at: datetime | None = None
    # A photo to send with the text (see storage/media.py).
    media_id: int | None = None


@cache
def _queueing(dialect: str) -> Prepared:
    # INSERT … SELECT from the resident: their channel comes with the row, in one statement.
    now = bindparam("_now", type_=DELIVERY.c.created_at.type)
    row = select(
        bindparam("_key", type_=DELIVERY.c.message_key.type),
        RESIDENT.c.id,
        RESIDENT.c.channel,
        bindparam("_priority", type_=DELIVERY.c.priority.type),
        bindparam("_body", type_=DELIVERY.c.body.type),
        bindparam("_status", type_=DELIVERY.c.status.type),
        bindparam("_attempts", type_=DELIVERY.c.attempts.type),
        now,
        now,
    ).where(RESIDENT.c.id == bindparam("_resident", type_=RESIDENT.c.id.type))
    columns = ["message_key", "resident_id", "channel", "priority", "body", "status", "attempts"]
    statement = (
        insert_of(dialect, DELIVERY)
        .from_select([*columns, "next_attempt_at", "created_at"], row)
        .on_conflict_do_nothing()
    )
    keys = ("_key", "_resident", "_priority", "_body", "_status", "_attempts", "_now")
    return Prepared(statement, keys)


def enqueue(
    conn: Connection,
    key: str,
    resident_id: int,
    body: Any,
    now: datetime,
    priority: Priority = Priority.PERSONAL,
) -> bool:
    """Queue ``body`` (a renderable's JSON) for a resident, on their channel; False when it was
    queued before (or the resident is gone). Queued for one resident, it is personal unless
    told otherwise."""
    values = {
        "_key": key,
        "_resident": resident_id,
        "_priority": int(priority),
        "_body": json.dumps(body, ensure_ascii=False),
        "_status": str(DeliveryStatus.PENDING),
        "_attempts": 0,
        "_now": now,
    }
    return _queueing(conn.dialect.name).run(conn, values) == 1


@dataclass(frozen=True, slots=True)
class DeliveryOutcome:
    """What became of one claimed delivery, to be recorded with others in one transaction."""

    due: Due
    # SENT; PENDING to retry at ``at``; or FAILED, UNREACHABLE, OPTED_OUT to give up.
    status: DeliveryStatus
    at: datetime
    error: str | None = None
    provider_ref: str | None = None


def _values(outcome: DeliveryOutcome) -> dict[str, Any]:
    error = outcome.error[:500] if outcome.error is not None else None
    match outcome.status:
        case DeliveryStatus.SENT:
            return {
                "status": DeliveryStatus.SENT,
                "sent_at": outcome.at,
                "updated_at": outcome.at,
                "last_error": None,
                "provider_ref": outcome.provider_ref,
            }
        case DeliveryStatus.PENDING:
            return {
                "status": DeliveryStatus.PENDING,
                "next_attempt_at": outcome.at,
                "last_error": error,
            }
        case DeliveryStatus.UNREACHABLE:
            return {
                "status": DeliveryStatus.UNREACHABLE,
                "last_error": error,
                "updated_at": outcome.at,
            }
        case _:
            return {"status": outcome.status, "last_error": error}


# Sent is by far the most common outcome: one statement for all of a batch's (executemany).
_SENT = (
    update(DELIVERY)
    .where(
        DELIVERY.c.id == bindparam("_id"),
        DELIVERY.c.status == DeliveryStatus.SENDING,
        DELIVERY.c.attempts == bindparam("_attempts"),
    )
    .values(
        status=DeliveryStatus.SENT,
        sent_at=bindparam("_at"),
        updated_at=bindparam("_at"),
        last_error=None,
        provider_ref=bindparam("_ref"),
    )
)


def _sent_together(sent: Sequence[DeliveryOutcome]) -> Update:
    """`_SENT` for many rows in one statement; it returns the ids the claims still owned."""
    rows = values(
        column("id", DELIVERY.c.id.type),
        column("attempts", DELIVERY.c.attempts.type),
        column("at", DELIVERY.c.sent_at.type),
        column("ref", DELIVERY.c.provider_ref.type),
        name="sent",
    ).data([(o.due.id, o.due.attempts, o.at, o.provider_ref) for o in sent])
    return (
        update(DELIVERY)
        .where(
            DELIVERY.c.id == rows.c.id,
            DELIVERY.c.status == DeliveryStatus.SENDING,
            DELIVERY.c.attempts == rows.c.attempts,
        )
        .values(
            status=DeliveryStatus.SENT,
            sent_at=rows.c.at,
            updated_at=rows.c.at,
            last_error=None,
            provider_ref=rows.c.ref,
        )
        .returning(DELIVERY.c.id)
    )


def _record(conn: Connection, outcomes: Sequence[DeliveryOutcome]) -> int:
    """Record outcomes; returns how many the claims still owned."""
    sent = [o for o in outcomes if o.status is DeliveryStatus.SENT]
    owned = 0
    values = [
        {"_id": o.due.id, "_attempts": o.due.attempts, "_at": o.at, "_ref": o.provider_ref}
        for o in sent
    ]
    if values and conn.dialect.name == "sqlite":
        # sqlite3 sums the rows an executemany changed.
        owned += conn.execute(_SENT, values).rowcount
    elif values:
        # asyncpg's executemany does not say how many rows it changed: one UPDATE ... FROM
        # (VALUES ...) RETURNING for the whole group, one round trip instead of one a row.
        owned += len(conn.execute(_sent_together(sent)).all())
    for outcome in outcomes:
        if outcome.status is DeliveryStatus.SENT:
            continue
        if outcome.status is DeliveryStatus.UNREACHABLE:
            owned += _unreachable(conn, outcome.due, outcome.error or "", outcome.at)
        else:
            owned += _finish(conn, outcome.due, _values(outcome))
    return owned


# A resident's pushes go one at a time, in order: a row is not claimed while another push to the
# same resident is in flight (sending, its lease running), nor while one that must go before it
# waits: an earlier one of the same priority, or any of a higher one. Two lanes or two processes
# claiming side by side could otherwise send "accepted by the council" before "filed with the
# commune". Read without locking, so a row another claim has locked but not yet committed still
# counts as waiting, and holds its followers back.
_BEFORE = DELIVERY.alias("before")
_NOW = bindparam("_now", type_=DELIVERY.c.next_attempt_at.type)
# Named, as every value a prepared statement takes (storage/prepared.py); given by _claim.
_SENDING = bindparam("_sending", type_=DELIVERY.c.status.type)
_PENDING = bindparam("_pending", type_=DELIVERY.c.status.type)
_HELD_BACK = (
    select(_BEFORE.c.id)
    .where(
        _BEFORE.c.resident_id == DELIVERY.c.resident_id,
        _BEFORE.c.id != DELIVERY.c.id,
        or_(
            and_(_BEFORE.c.status == _SENDING, _BEFORE.c.next_attempt_at > _NOW),
            and_(
                or_(_BEFORE.c.status == _PENDING, _BEFORE.c.status == _SENDING),
                or_(
                    _BEFORE.c.priority > DELIVERY.c.priority,
                    and_(_BEFORE.c.priority == DELIVERY.c.priority, _BEFORE.c.id < DELIVERY.c.id),
                ),
            ),
        ),
    )
    .exists()
)


def _due(one_resident: bool) -> Prepared:
    # One (status, channel, priority) per query lets the index on (status, channel, priority,
    # next_attempt_at, id) give the order itself: a claim reads `limit` rows instead of sorting
    # every row due, and one channel's 100,000 queued rows cost another channel's claim nothing.
    # Built once and run on the driver (storage/prepared.py): most of a claim's queries find
    # nothing.
    keys = ["_status", "_channel", "_priority", "_now", "_limit", "_skip", "_sending", "_pending"]
    statement = select(DELIVERY.c.id).where(
        DELIVERY.c.status == bindparam("_status", type_=DELIVERY.c.status.type),
        DELIVERY.c.channel == bindparam("_channel", type_=DELIVERY.c.channel.type),
        DELIVERY.c.priority == bindparam("_priority", type_=DELIVERY.c.priority.type),
        DELIVERY.c.next_attempt_at <= _NOW,
        ~_HELD_BACK,
    )
    if one_resident:
        # The terminal: each `hayna chat` prints its own resident's pushes only.
        statement = statement.where(
            DELIVERY.c.resident_id == bindparam("_resident", type_=DELIVERY.c.resident_id.type)
        )
        keys.append("_resident")
    return Prepared(
        statement.order_by(DELIVERY.c.next_attempt_at, DELIVERY.c.id)
        # SQLite puts an OFFSET beside a bound LIMIT: named, so that it is given (always 0).
        .limit(bindparam("_limit"))
        .offset(bindparam("_skip"))
        .with_for_update(skip_locked=True, of=DELIVERY),
        keys,
    )


_DUE = _due(one_resident=False)
_DUE_OF_ONE = _due(one_resident=True)


def _claim(
    conn: Connection,
    now: datetime,
    limit: int,
    channel: str,
    lease: timedelta = LEASE,
    user_id: str | None = None,
) -> list[Due]:
    ids = _claimable(conn, now, limit, channel, user_id)
    if not ids:
        return []
    lease_until = now + lease
    conn.execute(
        update(DELIVERY)
        .where(DELIVERY.c.id.in_(ids))
        .values(
            status=DeliveryStatus.SENDING,
            next_attempt_at=lease_until,
            attempts=DELIVERY.c.attempts + 1,
        )
    )
    return _claimed(conn, ids, lease_until)


def _claimable(
    conn: Connection, now: datetime, limit: int, channel: str, user_id: str | None
) -> list[int]:
    """Up to ``limit`` rows of ``channel`` (of one resident, given ``user_id``) to claim, in
    the order they go."""
    due, only = (
        _DUE,
        {"_sending": str(DeliveryStatus.SENDING), "_pending": str(DeliveryStatus.PENDING)},
    )
    if user_id is not None:
        resident = conn.execute(
            select(RESIDENT.c.id).where(
                RESIDENT.c.channel == channel, RESIDENT.c.user_id == user_id
            )
        ).scalar()
        if resident is None:
            return []
        due, only = _DUE_OF_ONE, only | {"_resident": resident}
    # The most urgent first, then the oldest; in each priority waiting rows first, then sends
    # whose lease ran out.
    ids: list[int] = []
    for priority in _MOST_URGENT_FIRST:
        for status in (DeliveryStatus.PENDING, DeliveryStatus.SENDING):
            values = {"_status": str(status), "_channel": channel, "_priority": int(priority)}
            values |= {"_now": now, "_limit": limit - len(ids), "_skip": 0} | only
            ids += [row[0] for row in due.rows(conn, values)]
            if len(ids) >= limit:
                return ids
    return ids


def _claimed(conn: Connection, ids: list[int], lease_until: datetime) -> list[Due]:
    """The rows just claimed, with their residents, in the claim's order."""
    rows = conn.execute(
        select(
            DELIVERY.c.id,
            RESIDENT.c.channel,
            RESIDENT.c.user_id,
            RESIDENT.c.language,
            RESIDENT.c.pushes_enabled,
            DELIVERY.c.body,
            DELIVERY.c.attempts,
            RESIDENT.c.reachable,
            CONVERSATION.c.updated_at,
            DELIVERY.c.media_id,
        )
        .join(RESIDENT, RESIDENT.c.id == DELIVERY.c.resident_id)
        .outerjoin(CONVERSATION, CONVERSATION.c.resident_id == RESIDENT.c.id)
        .where(DELIVERY.c.id.in_(ids))
    )
    # Handed over in the claim's order: the most urgent is sent first.
    place = {delivery: n for n, delivery in enumerate(ids)}
    return [
        Due(
            r.id,
            r.channel,
            r.user_id,
            r.language,
            r.pushes_enabled,
            json.loads(r.body),
            r.attempts,
            lease_until,
            bool(r.reachable),
            r.updated_at,
            r.media_id,
        )
        for r in sorted(rows, key=lambda r: place[r.id])
    ]


def _release(conn: Connection, channel: str, now: datetime, due_at: datetime) -> int:
    released = conn.execute(
        update(DELIVERY)
        .where(
            DELIVERY.c.channel == channel,
            DELIVERY.c.status == DeliveryStatus.SENDING,
            DELIVERY.c.next_attempt_at > max(now, due_at),
        )
        .values(next_attempt_at=max(now, due_at))
    )
    return int(released.rowcount)


def _finish(conn: Connection, due: Due, values: dict[str, Any]) -> bool:
    owned = conn.execute(
        update(DELIVERY)
        .where(
            DELIVERY.c.id == due.id,
            DELIVERY.c.status == DeliveryStatus.SENDING,
            DELIVERY.c.attempts == due.attempts,
        )
        .values(**values)
    )
    return owned.rowcount == 1


def _unreachable(conn: Connection, due: Due, error: str, now: datetime) -> bool:
    values = {"status": DeliveryStatus.UNREACHABLE, "last_error": error[:500], "updated_at": now}
    if not _finish(conn, due, values):
        return False
    # Every later push would meet the same answer: the resident's next message undoes this.
    resident = select(DELIVERY.c.resident_id).where(DELIVERY.c.id == due.id).scalar_subquery()
    conn.execute(update(RESIDENT).where(RESIDENT.c.id == resident).values(reachable=False))
    return True


def _callback(
    conn: Connection,
    ref: str,
    status: DeliveryStatus,
    error_code: str | None,
    now: datetime,
    unreachable: bool,
) -> bool:
    values: dict[str, Any] = {"status": status, "updated_at": now}
    if error_code:
        values["error_code"] = error_code[:16]
    moved = conn.execute(
        update(DELIVERY)
        .where(DELIVERY.c.provider_ref == ref, DELIVERY.c.status.in_(_CALLBACK_FROM[status]))
        .values(**values)
    )
    if moved.rowcount and unreachable:
        # The platform learnt it only after accepting the message: later pushes would fail the
        # same way, until the resident writes again.
        resident = select(DELIVERY.c.resident_id).where(DELIVERY.c.provider_ref == ref)
        conn.execute(update(RESIDENT).where(RESIDENT.c.id.in_(resident)).values(reachable=False))
    return moved.rowcount > 0


def _counts(conn: Connection) -> dict[str, int]:
    rows = conn.execute(select(DELIVERY.c.status, func.count()).group_by(DELIVERY.c.status))
    return {status: count for status, count in rows}


class DeliveryQueue:
    """The dispatcher's view of the outbox."""

    def __init__(self, db: Database, lease: timedelta = LEASE) -> None:
        self.db = db
        self.lease = lease

    async def enqueue(
        self,
        key: str,
        resident_id: int,
        body: Any,
        now: datetime,
        priority: Priority = Priority.PERSONAL,
    ) -> bool:
        async with self.db.transaction() as tx:
            return await tx.run(enqueue, key, resident_id, body, now, priority)

    async def claim(
        self, now: datetime, channel: str, limit: int = 20, user_id: str | None = None
    ) -> list[Due]:
        """Lease up to ``limit`` of one channel's due rows, the most urgent and oldest first;
        at most one per resident, and only the one that must go next. ``user_id``: only that
        resident's."""
        async with self.db.transaction() as tx:
            return await tx.run(_claim, now, limit, channel, self.lease, user_id)

    async def release_claims(self, channel: str, now: datetime, due_at: datetime) -> int:
        """Make ``channel``'s rows claimed by an earlier sender due at ``due_at`` rather than at
        the end of their lease; how many. Called by a process that has just become the
        channel's one sender: the claims were made by a process that died or lost its lock."""
        async with self.db.transaction() as tx:
            return await tx.run(_release, channel, now, due_at)

    async def record(self, outcomes: Sequence[DeliveryOutcome]) -> int:
        """Record a batch's outcomes in one transaction; each only if its claim still owns it."""
        if not outcomes:
            return 0
        async with self.db.transaction() as tx:
            return await tx.run(_record, outcomes)

    async def status_callback(
        self,
        ref: str,
        status: DeliveryStatus,
        error_code: str | None,
        now: datetime,
        unreachable: bool = False,
    ) -> bool:
        """Record what the platform later says of a sent message (by its id); only forward.
        ``unreachable``: the failure says the resident cannot be reached any more."""
        if status not in _CALLBACK_FROM:
            raise ValueError(f"{status} is not a status a platform reports")
        async with self.db.transaction() as tx:
            return await tx.run(_callback, ref, status, error_code, now, unreachable)

    async def counts(self) -> dict[str, int]:
        async with self.db.transaction() as tx:
            return await tx.run(_counts)
