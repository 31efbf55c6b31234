"""The answer clock in SQL: the hourly reminder to a filed petition's organizer before the
council's legal delay ends, and the notice to its signers when it ends unanswered.

Each is queued once however many processes run the chores: a conditional UPDATE from NULL of
the petition's marker decides which transaction queues it, and the deliveries are unique per
message key and resident besides. Both go through the delivery outbox, in the recipient's
language, at the platforms' pace (storage/deliveries.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Column, Connection, select, update

from conversations.answer_clock import AWAITING, lapse_notice, lapsed, remind_now, reminder_notice
from conversations.kit import MOROCCO
from storage import groups
from storage.database import Database
from storage.deliveries import enqueue
from storage.models import PETITION
from storage.petitions import followers, kind_of

REMINDER, LAPSE = "reminder", "lapse"


def clock_key(petition_id: int, kind: str) -> str:
    """The delivery rows' message key of a petition's reminder or end notice."""
    return f"petition-clock:{petition_id}:{kind}"


def _won(conn: Connection, petition_id: int, marker: Column[Any], now: datetime) -> bool:
    # One transaction sets the marker; the others find it set (PostgreSQL re-reads the row once
    # the winner commits) and queue nothing.
    claimed = conn.execute(
        update(PETITION)
        .where(
            PETITION.c.id == petition_id, marker.is_(None), PETITION.c.status.in_(sorted(AWAITING))
        )
        .values({marker.key: now})
    ).rowcount
    return bool(claimed)


def _queue(conn: Connection, key: str, body: Any, residents: Sequence[int], now: datetime) -> int:
    return sum(enqueue(conn, key, resident_id, body, now) for resident_id in residents)


def _awaiting(conn: Connection, marker: Column[Any]) -> list[Any]:
    return list(
        conn.execute(
            select(PETITION).where(
                PETITION.c.status.in_(sorted(AWAITING)),
                PETITION.c.answer_due.is_not(None),
                marker.is_(None),
            )
        )
    )


def remind(conn: Connection, now: datetime) -> list[str]:
    """Queue the reminder of every petition whose delay ends in two weeks or less, to the
    organizer who created it, or to the commune's organizers when an operator did; their
    codes."""
    today = now.astimezone(MOROCCO).date()
    reminded = []
    for row in _awaiting(conn, PETITION.c.reminded_at):
        if not remind_now(row.answer_due, today) or not _won(
            conn, row.id, PETITION.c.reminded_at, now
        ):
            continue
        creator = groups.labelled(conn, row.created_by)
        to = [creator] if creator is not None else groups.organizers_of(conn, row.commune_code)
        body = reminder_notice(row.code, row.title, row.answer_due).to_json()
        _queue(conn, clock_key(row.id, REMINDER), body, to, now)
        reminded.append(row.code)
    return reminded


def tell_lapsed(conn: Connection, now: datetime) -> list[str]:
    """Queue the end notice of every petition whose delay ended without the council's decision
    or answer, to each signer in the chat (paper signers have no chat); their codes."""
    today = now.astimezone(MOROCCO).date()
    told = []
    for row in _awaiting(conn, PETITION.c.lapse_told_at):
        if not lapsed(row.answer_due, today) or not _won(
            conn, row.id, PETITION.c.lapse_told_at, now
        ):
            continue
        notice = lapse_notice(row.code, row.title, row.answer_due, kind_of(row.kind))
        _queue(conn, clock_key(row.id, LAPSE), notice.to_json(), followers(conn, row.id), now)
        told.append(row.code)
    return told


async def keep_answer_clock(db: Database, now: datetime) -> tuple[list[str], list[str]]:
    """`remind` and `tell_lapsed` in a transaction of their own, for the hourly housekeeping:
    the codes reminded, and those whose signers were told."""
    async with db.transaction() as tx:
        reminded = await tx.run(remind, now)
        told = await tx.run(tell_lapsed, now)
    return reminded, told
