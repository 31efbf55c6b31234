"""Announcements: the table the schedule is rebuilt from, and their expansion into deliveries.

An announcement due is expanded into one delivery row per recipient, a chunk of residents (by
id) per transaction with INSERT … SELECT … ON CONFLICT DO NOTHING: the audience is never loaded
into memory, and the cursor committed with each chunk lets a crash resume where it stopped.
Each row gets its kind's priority: an update goes after every personal and meeting notice.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    and_,
    delete,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    text,
    true,
    update,
)

from conversations.actor import ACTOR_MAX
from conversations.groups import Answer, Audience, DeliveryReport, update_notice, update_sender
from conversations.text import ByLocale, Renderable, Verbatim
from storage import groups
from storage.database import Database
from storage.deliveries import DeliveryStatus, Priority
from storage.dialect import insert_of, inserted_id
from storage.gazetteer import Gazetteer
from storage.models import (
    ANNOUNCEMENT,
    ANSWER_SET,
    COMMITMENT_FOLLOWER,
    DELIVERY,
    MEMBERSHIP,
    RESIDENT,
    RSVP,
)

CHUNK = 2000


log = logging.getLogger(__name__)


class Kind(StrEnum):
    BROADCAST = "broadcast"
    MEETING = "meeting"
    REMINDER = "reminder"
    MOVED = "moved"
    CANCELLED = "cancelled"
    # A consultation opened, and the day before it closes, to those who have not answered.
    CONSULTATION = "consultation"
    CLOSING = "closing"
    # What came out of a meeting: to everyone who answered it and to its audience.
    OUTCOME = "outcome"
    # A commitment's change of status, to those who follow it.
    COMMITMENT = "commitment"


# An update waits behind everything else; all that is said of a meeting goes before updates.
PRIORITY = {
    Kind.BROADCAST: Priority.BULK,
    Kind.MEETING: Priority.MEETING,
    Kind.REMINDER: Priority.MEETING,
    Kind.MOVED: Priority.MEETING,
    Kind.CANCELLED: Priority.MEETING,
    Kind.CONSULTATION: Priority.MEETING,
    Kind.CLOSING: Priority.MEETING,
    Kind.OUTCOME: Priority.MEETING,
    # Told to each follower as their own news, like a petition's.
    Kind.COMMITMENT: Priority.PERSONAL,
}


class State(StrEnum):
    SCHEDULED = "scheduled"
    DONE = "done"
    CANCELLED = "cancelled"


def audience_of(row: Any) -> Audience:
    """The audience an announcement row names: its commune, and its groups if any."""
    return Audience(row.commune_code, tuple(int(g) for g in row.group_ids.split(",") if g))


def key(announcement_id: int) -> str:
    """The delivery rows' message key of an announcement."""
    return f"announcement:{announcement_id}"


@dataclass(frozen=True, slots=True)
class Planned:
    """What the scheduler needs of an announcement still to come."""

    id: int
    due_at: datetime


def create(
    conn: Connection,
    kind: Kind,
    audience: Audience,
    body: Any,
    due_at: datetime,
    actor: str,
    now: datetime,
    meeting_id: int | None = None,
    media_id: int | None = None,
    photo: tuple[str, str] | None = None,
    consultation_id: int | None = None,
    commitment_id: int | None = None,
) -> int:
    """Plan ``body`` (a renderable's JSON) for an audience at ``due_at``, maybe with a stored
    photo or a photo still on a platform (``photo``: its channel and reference); returns its
    id."""
    return inserted_id(
        conn,
        insert(ANNOUNCEMENT).values(
            kind=kind,
            meeting_id=meeting_id,
            consultation_id=consultation_id,
            commitment_id=commitment_id,
            media_id=media_id,
            photo_channel=photo[0] if photo else None,
            photo_ref=photo[1] if photo else None,
            body=json.dumps(body, ensure_ascii=False),
            commune_code=audience.commune_code,
            group_ids=",".join(str(group) for group in audience.group_ids),
            due_at=due_at,
            status=State.SCHEDULED,
            cursor=0,
            recipients=0,
            created_by=actor[:ACTOR_MAX],
            created_at=now,
        ),
    )


def update_body(
    conn: Connection, audience: Audience, texts: Sequence[tuple[str, str]], gazetteer: Gazetteer
) -> Any:
    """An update's body as stored: who sends it (the group it is for, or the organizers of the
    commune) and its text per language."""
    found = gazetteer.get(audience.commune_code)
    commune: Renderable = (
        ByLocale((("ar", found.name_ar),), found.name_fr)
        if found
        else Verbatim(audience.commune_code)
    )
    addressed = [g for g in (groups.group(conn, i) for i in audience.group_ids) if g is not None]
    return update_notice(texts, update_sender(addressed, commune)).to_json()


def recipients(
    audience: Audience,
    kind: Kind = Kind.BROADCAST,
    meeting_id: int | None = None,
    consultation_id: int | None = None,
    commitment_id: int | None = None,
) -> ColumnElement[bool]:
    """Who an announcement reaches, as a condition on the resident table.

    Reminders skip those who said they will not come; a change of time goes to those who
    answered; an outcome to its audience and to all who answered; a consultation closing soon
    is told to those who have not completed it. A resident who said "stop" is left out:
    nothing would be sent to them. A commitment's change goes to its followers, wherever
    they live now.
    """
    member: ColumnElement[bool]
    if kind is Kind.COMMITMENT:
        member = exists().where(
            COMMITMENT_FOLLOWER.c.resident_id == RESIDENT.c.id,
            COMMITMENT_FOLLOWER.c.commitment_id == commitment_id,
        )
    elif audience.group_ids:
        member = exists().where(
            MEMBERSHIP.c.resident_id == RESIDENT.c.id,
            MEMBERSHIP.c.group_id.in_(audience.group_ids),
        )
    else:
        member = RESIDENT.c.commune_code == audience.commune_code
    answered = RSVP.c.meeting_id == meeting_id, RSVP.c.resident_id == RESIDENT.c.id
    if kind is Kind.OUTCOME:
        # Whoever answered, a "no" or a resident of elsewhere included, and the audience.
        member = or_(member, exists().where(*answered))
    condition = and_(member, RESIDENT.c.pushes_enabled == true())
    if kind is Kind.REMINDER:
        condition = and_(condition, ~exists().where(*answered, RSVP.c.answer == Answer.NO))
    elif kind is Kind.MOVED:
        condition = and_(condition, exists().where(*answered))
    if kind in (Kind.CONSULTATION, Kind.CLOSING) and meeting_id is not None:
        # A consultation after a meeting: those who said they attend it.
        condition = and_(condition, exists().where(*answered, RSVP.c.answer == Answer.YES))
    if kind is Kind.CLOSING:
        completed = exists().where(
            ANSWER_SET.c.consultation_id == consultation_id,
            ANSWER_SET.c.resident_id == RESIDENT.c.id,
            ANSWER_SET.c.completed_at.is_not(None),
        )
        condition = and_(condition, ~completed)
    return condition


def audience_size(conn: Connection, audience: Audience) -> int:
    return int(
        conn.execute(
            select(func.count()).select_from(RESIDENT).where(recipients(audience))
        ).scalar_one()
    )


def _expand_chunk(conn: Connection, now: datetime, chunk: int) -> int | None:
    """Expand the next chunk of the earliest due announcement; None when nothing is due."""
    row = conn.execute(
        select(ANNOUNCEMENT)
        .where(
            ANNOUNCEMENT.c.status == State.SCHEDULED,
            ANNOUNCEMENT.c.due_at <= now,
            # A photo still on its platform is fetched first (see bot/media.py).
            ANNOUNCEMENT.c.photo_ref.is_(None),
        )
        .order_by(ANNOUNCEMENT.c.due_at, ANNOUNCEMENT.c.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    ).first()
    if row is None:
        return None
    audience = audience_of(row)
    found = recipients(
        audience, Kind(row.kind), row.meeting_id, row.consultation_id, row.commitment_id
    )
    who = and_(found, RESIDENT.c.id > row.cursor)
    window = select(RESIDENT.c.id).where(who).order_by(RESIDENT.c.id).limit(chunk).subquery()
    upto = conn.execute(select(func.max(window.c.id))).scalar()
    if upto is None:
        conn.execute(
            update(ANNOUNCEMENT).where(ANNOUNCEMENT.c.id == row.id).values(status=State.DONE)
        )
        return 0
    added = _queue(conn, row, and_(who, RESIDENT.c.id <= upto), now)
    conn.execute(
        update(ANNOUNCEMENT)
        .where(ANNOUNCEMENT.c.id == row.id)
        .values(cursor=upto, recipients=ANNOUNCEMENT.c.recipients + added)
    )
    return int(added)


def _queue(conn: Connection, row: Any, who: ColumnElement[bool], now: datetime) -> int:
    """One delivery of announcement ``row`` to each resident ``who`` names, in one statement;
    how many were added (none twice)."""
    rows = select(
        literal(key(row.id)),
        RESIDENT.c.id,
        RESIDENT.c.channel,
        literal(int(PRIORITY[Kind(row.kind)]), DELIVERY.c.priority.type),
        literal(row.body),
        literal(str(DeliveryStatus.PENDING)),
        literal(0),
        literal(row.due_at, DELIVERY.c.next_attempt_at.type),
        literal(now, DELIVERY.c.created_at.type),
        # The photo's id, not its bytes: the dispatcher loads each photo once per batch.
        literal(row.media_id, DELIVERY.c.media_id.type),
    ).where(who)
    columns = ["message_key", "resident_id", "channel", "priority", "body", "status", "attempts"]
    statement = (
        insert_of(conn.dialect.name, DELIVERY)
        .from_select([*columns, "next_attempt_at", "created_at", "media_id"], rows)
        .on_conflict_do_nothing()
    )
    return int(conn.execute(statement).rowcount)


async def expand_due(db: Database, now: datetime, chunk: int = CHUNK, chunks: int = 10) -> int:
    """Expand due announcements, at most ``chunks`` transactions; returns rows queued."""
    queued = 0
    for _round in range(chunks):
        async with db.transaction() as tx:
            added = await tx.run(_expand_chunk, now, chunk)
        if added is None:
            break
        queued += added
    if queued >= RESTATE_AFTER and not db.sqlite:
        await _restate(db)
    return queued


# PostgreSQL plans the claim from its statistics of the delivery table, which autovacuum
# refreshes a minute or so after a change; just after thousands of rows are queued, stale ones
# made each claim of a broadcast scan and sort the whole table again (a second each at 10,000
# rows, 20 ms with fresh statistics). SQLite has no need.
RESTATE_AFTER = 1_000
# SKIP_LOCKED: never wait for, nor cancel, an autovacuum or another process's ANALYZE of the
# table (either refreshes the same statistics). A role that does not own the table is warned and
# skipped by PostgreSQL; the claims are then only slower until autovacuum comes.
_ANALYZE = text("ANALYZE (SKIP_LOCKED) delivery")


async def _restate(db: Database) -> None:
    """Fresh planner statistics of the delivery table; the rows are already queued, so a
    failure here is logged, never raised."""
    try:
        async with db.transaction() as tx:
            await tx.run(lambda conn: conn.execute(_ANALYZE))
    except Exception:
        log.warning("the delivery table's statistics could not be refreshed", exc_info=True)


def _planned(conn: Connection) -> list[Planned]:
    rows = conn.execute(
        select(ANNOUNCEMENT.c.id, ANNOUNCEMENT.c.due_at)
        .where(ANNOUNCEMENT.c.status == State.SCHEDULED)
        .order_by(ANNOUNCEMENT.c.due_at)
    )
    return [Planned(r.id, r.due_at) for r in rows]


async def planned(db: Database) -> list[Planned]:
    """Every announcement not yet expanded: what the scheduler wakes the dispatcher for."""
    async with db.transaction() as tx:
        return await tx.run(_planned)


def cancel(conn: Connection, ids: Sequence[int]) -> None:
    """Stop announcements: those not yet due never go, and their unsent rows are dropped."""
    if not ids:
        return
    conn.execute(
        update(ANNOUNCEMENT)
        .where(ANNOUNCEMENT.c.id.in_(ids), ANNOUNCEMENT.c.status == State.SCHEDULED)
        .values(status=State.CANCELLED)
    )
    conn.execute(
        delete(DELIVERY).where(
            DELIVERY.c.message_key.in_([key(i) for i in ids]),
            DELIVERY.c.status == DeliveryStatus.PENDING,
        )
    )


# How the platform's words are summed up for an organizer.
_REPORTED = {
    DeliveryStatus.PENDING: "queued",
    DeliveryStatus.SENDING: "queued",
    DeliveryStatus.SENT: "sent",
    DeliveryStatus.DELIVERED: "delivered",
    DeliveryStatus.READ: "delivered",
    DeliveryStatus.FAILED: "failed",
    DeliveryStatus.UNDELIVERED: "failed",
    DeliveryStatus.OPTED_OUT: "unreachable",
    DeliveryStatus.UNREACHABLE: "unreachable",
}


def report(conn: Connection, announcement_id: int) -> DeliveryReport | None:
    return reports_of(conn, (announcement_id,)).get(announcement_id)


def reports_of(conn: Connection, announcement_ids: Sequence[int]) -> dict[int, DeliveryReport]:
    """Where each announcement's deliveries stand, by id: two queries for any number of them,
    and one more for each audience of those not expanded yet."""
    rows = conn.execute(
        select(ANNOUNCEMENT).where(ANNOUNCEMENT.c.id.in_(list(announcement_ids)))
    ).all()
    ids = {key(row.id): row.id for row in rows}
    counts = {
        row.id: dict.fromkeys(("queued", "sent", "delivered", "failed", "unreachable"), 0)
        for row in rows
    }
    by_status = conn.execute(
        select(DELIVERY.c.message_key, DELIVERY.c.status, func.count())
        .where(DELIVERY.c.message_key.in_(list(ids)))
        .group_by(DELIVERY.c.message_key, DELIVERY.c.status)
    )
    read = dict.fromkeys(counts, 0)
    for message_key, status, count in by_status:
        counts[ids[message_key]][_REPORTED[DeliveryStatus(status)]] += count
        # Read ones are delivered ones too: counted there, and once more as read.
        if status == DeliveryStatus.READ:
            read[ids[message_key]] += count
    sizes: dict[Audience, int] = {}
    return {row.id: _figures(conn, row, counts[row.id], read[row.id], sizes) for row in rows}


def _figures(
    conn: Connection, row: Any, counts: dict[str, int], read: int, sizes: dict[Audience, int]
) -> DeliveryReport:
    if row.status == State.SCHEDULED:
        # Not expanded yet: everyone it will reach is still queued. Counted once per audience:
        # a page of updates planned for one commune is one count, not one each.
        audience = audience_of(row)
        if audience not in sizes:
            sizes[audience] = audience_size(conn, audience)
        waiting = sizes[audience]
        return DeliveryReport(row.id, row.due_at, waiting, queued=waiting)
    # Counted from the rows, not from the expansion's tally: a resident who erased their data
    # took their delivery with them, and a cancelled update its unsent ones, so the figures add up.
    return DeliveryReport(row.id, row.due_at, sum(counts.values()), read=read, **counts)


def audience_at(conn: Connection, announcement_id: int) -> Audience | None:
    """Whom an announcement is for; None when there is none of this number."""
    row = conn.execute(
        select(ANNOUNCEMENT.c.commune_code, ANNOUNCEMENT.c.group_ids).where(
            ANNOUNCEMENT.c.id == announcement_id
        )
    ).first()
    return None if row is None else audience_of(row)


def first_words(body: str, most: int = 80) -> str:
    """The first ``most`` characters of an update's text in its first language, without the
    line that says who sends it."""
    return _words(json.loads(body))[:most]


def words_of(conn: Connection, announcement_id: int) -> str:
    """The first words of an announcement's text; "" when there is none of this number."""
    found = select(ANNOUNCEMENT.c.body).where(ANNOUNCEMENT.c.id == announcement_id)
    body = conn.execute(found).scalar()
    return first_words(body) if body else ""


def _words(obj: Any) -> str:
    kind = obj.get("t")
    if kind == "bylocale":
        values = obj["values"]
        return str(values[0][1] if values else obj["default"])
    if kind == "verbatim":
        return str(obj["value"])
    if kind == "joined":
        # An update is who sends it, then its texts by language: those are what was written.
        written = [part for part in obj["parts"] if part.get("t") == "bylocale"] or obj["parts"]
        return next((words for words in map(_words, written) if words), "")
    # Interface text (the sender's line) is not what the organizer wrote.
    return ""
