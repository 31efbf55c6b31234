"""Residents' questions to the organizers, in SQL: a ticket and its messages, the claim that
keeps two organizers from answering the same one unknowingly (one conditional UPDATE: of two
processes, one wins), the answer queued as a push, the follow-up that re-opens a ticket for the
organizer who answered, the quiet tickets closed, and each commune's canned answers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    and_,
    delete,
    false,
    func,
    insert,
    or_,
    select,
    true,
    update,
)

from conversations.groups import Audience, Group, GroupKind, Scope
from conversations.kit import Attachment
from conversations.question import (
    CANNED_MAX,
    CLAIM_HOLDS,
    QUIET_CLOSES,
    Author,
    Canned,
    Claim,
    Message,
    QuestionStatus,
    Ticket,
    answer_notice,
    follow_up_notice,
)
from storage import media
from storage.database import Database
from storage.deliveries import enqueue
from storage.dialect import inserted_id
from storage.models import (
    CANNED_ANSWER,
    COMMUNITY_GROUP,
    MEMBERSHIP,
    QUESTION,
    QUESTION_MESSAGE,
)

# Tickets an organizer's list shows, at most: the oldest first, the others after these.
LISTED = 50
_LIVE = (QuestionStatus.OPEN, QuestionStatus.CLAIMED)


def followed(conn: Connection, resident_id: int) -> list[Group]:
    """The groups a resident follows, whose organizers they may ask."""
    rows = conn.execute(
        select(COMMUNITY_GROUP)
        .join(MEMBERSHIP, MEMBERSHIP.c.group_id == COMMUNITY_GROUP.c.id)
        .where(MEMBERSHIP.c.resident_id == resident_id)
        .order_by(COMMUNITY_GROUP.c.id)
    )
    return [Group(r.id, r.commune_code, GroupKind(r.kind), r.name, True) for r in rows]


def ask(
    conn: Connection,
    resident_id: int,
    commune: str,
    group_id: int | None,
    said: Message,
) -> int:
    """A new ticket, its first message the question; its number."""
    ticket = inserted_id(
        conn,
        insert(QUESTION).values(
            resident_id=resident_id,
            commune_code=commune,
            group_id=group_id,
            text=said.text,
            media_ref=said.media or None,
            status=QuestionStatus.OPEN,
            created_at=said.at,
            last_activity_at=said.at,
        ),
    )
    _said(conn, ticket, said, None)
    return ticket


def _said(conn: Connection, ticket_id: int, said: Message, organizer: int | None) -> int:
    return inserted_id(
        conn,
        insert(QUESTION_MESSAGE).values(
            question_id=ticket_id,
            author=said.author,
            organizer_id=organizer,
            language=said.language,
            text=said.text,
            media_ref=said.media or None,
            created_at=said.at,
        ),
    )


def _tickets(conn: Connection, rows: Sequence[Any]) -> list[Ticket]:
    """Tickets with their messages, read by one query for all of them."""
    said: dict[int, list[Message]] = {row.id: [] for row in rows}
    if said:
        messages = conn.execute(
            select(QUESTION_MESSAGE)
            .where(QUESTION_MESSAGE.c.question_id.in_(said))
            .order_by(QUESTION_MESSAGE.c.id)
        )
        for m in messages:
            kept = Message(Author(m.author), m.created_at, m.language, m.text, m.media_ref or "")
            said[m.question_id].append(kept)
    return [
        Ticket(
            r.id,
            QuestionStatus(r.status),
            r.commune_code,
            r.group_id,
            r.text,
            r.created_at,
            r.last_activity_at,
            r.media_ref or "",
            r.claimed_by,
            r.answered_by,
            r.answered_at,
            tuple(said[r.id]),
        )
        for r in rows
    ]


def mine(conn: Connection, resident_id: int, limit: int) -> list[Ticket]:
    """A resident's tickets not closed, the latest first."""
    rows = conn.execute(
        select(QUESTION)
        .where(QUESTION.c.resident_id == resident_id, QUESTION.c.status != QuestionStatus.CLOSED)
        .order_by(QUESTION.c.id.desc())
        .limit(limit)
    ).all()
    return _tickets(conn, rows)


def ticket(conn: Connection, ticket_id: int) -> Ticket | None:
    found = _tickets(conn, conn.execute(select(QUESTION).where(QUESTION.c.id == ticket_id)).all())
    return found[0] if found else None


def audience(conn: Connection, ticket_id: int) -> Audience | None:
    """Whose organizers a ticket is for, as a scope is checked against."""
    row = conn.execute(
        select(QUESTION.c.commune_code, QUESTION.c.group_id).where(QUESTION.c.id == ticket_id)
    ).first()
    if row is None:
        return None
    return Audience(row.commune_code, (row.group_id,) if row.group_id is not None else ())


def in_scope(conn: Connection, scope: Scope, limit: int = LISTED) -> list[Ticket]:
    """The open and claimed tickets an organizer's scope covers, the oldest first."""
    where: ColumnElement[bool] = true()
    if not scope.everywhere:
        where = or_(
            QUESTION.c.commune_code.in_(sorted(scope.communes)) if scope.communes else false(),
            QUESTION.c.group_id.in_(sorted(scope.groups)) if scope.groups else false(),
        )
    rows = conn.execute(
        select(QUESTION)
        .where(QUESTION.c.status.in_(_LIVE), where)
        .order_by(QUESTION.c.id)
        .limit(limit)
    ).all()
    return _tickets(conn, rows)


def claim(conn: Connection, ticket_id: int, organizer: int, now: datetime) -> Claim:
    """Take a ticket: one conditional UPDATE, so of two organizers (two processes) one wins;
    a claim held longer than `CLAIM_HOLDS` may be taken over, and one's own is renewed."""
    won = conn.execute(
        update(QUESTION)
        .where(
            QUESTION.c.id == ticket_id,
            QUESTION.c.status.in_(_LIVE),
            or_(
                QUESTION.c.claimed_by.is_(None),
                QUESTION.c.claimed_by == organizer,
                QUESTION.c.claimed_at <= now - CLAIM_HOLDS,
            ),
        )
        .values(status=QuestionStatus.CLAIMED, claimed_by=organizer, claimed_at=now)
    ).rowcount
    if won:
        return Claim.CLAIMED
    live = conn.execute(
        select(func.count()).where(QUESTION.c.id == ticket_id, QUESTION.c.status.in_(_LIVE))
    ).scalar_one()
    return Claim.TAKEN if live else Claim.GONE


def answer(conn: Connection, ticket_id: int, organizer: int, said: Message) -> bool:
    """An organizer's answer to a ticket they hold, queued to its resident as a push; False
    when they do not hold it (any more)."""
    won = conn.execute(
        update(QUESTION)
        .where(
            QUESTION.c.id == ticket_id,
            QUESTION.c.status == QuestionStatus.CLAIMED,
            QUESTION.c.claimed_by == organizer,
        )
        .values(
            status=QuestionStatus.ANSWERED,
            answered_by=organizer,
            answered_at=said.at,
            last_activity_at=said.at,
            claimed_by=None,
            claimed_at=None,
        )
    ).rowcount
    if not won:
        return False
    message = _said(conn, ticket_id, said, organizer)
    resident = conn.execute(
        select(QUESTION.c.resident_id).where(QUESTION.c.id == ticket_id)
    ).scalar_one()
    body = answer_notice(ticket_id, said.text).to_json()
    enqueue(conn, answer_key(message), resident, body, said.at)
    return True


def answer_key(message_id: int) -> str:
    """The delivery key of an organizer's answer pushed to the resident."""
    return f"question-answer:{message_id}"


def follow_up_key(message_id: int) -> str:
    """The delivery key of a resident's follow-up pushed to the organizer holding it."""
    return f"question-follow-up:{message_id}"


def follow_up(conn: Connection, resident_id: int, ticket_id: int, said: Message) -> bool:
    """A resident's follow-up to their own ticket, not closed. An answered ticket is claimed
    again for the organizer who answered it; one waiting or being answered keeps its claim, so
    an organizer typing their answer does not lose it. Whoever holds it is told by a push."""
    row = conn.execute(
        select(QUESTION.c.answered_by, QUESTION.c.claimed_by).where(
            QUESTION.c.id == ticket_id,
            QUESTION.c.resident_id == resident_id,
            QUESTION.c.status != QuestionStatus.CLOSED,
        )
    ).first()
    if row is None:
        return False
    # Conditional: of a follow-up and an organizer's claim at once, the claim is not undone.
    reclaimed = conn.execute(
        update(QUESTION)
        .where(QUESTION.c.id == ticket_id, QUESTION.c.status == QuestionStatus.ANSWERED)
        .values(
            status=QuestionStatus.CLAIMED,
            claimed_by=row.answered_by,
            claimed_at=said.at,
            last_activity_at=said.at,
        )
    ).rowcount
    if not reclaimed:
        conn.execute(
            update(QUESTION).where(QUESTION.c.id == ticket_id).values(last_activity_at=said.at)
        )
    message = _said(conn, ticket_id, said, None)
    holder = row.answered_by if reclaimed else row.claimed_by
    if holder is not None:
        body = follow_up_notice(ticket_id, said.text).to_json()
        enqueue(conn, follow_up_key(message), holder, body, said.at)
    return True


def close_quiet(conn: Connection, now: datetime) -> int:
    """Close the answered tickets their resident has not replied to for `QUIET_CLOSES`; how
    many. A question never answered stays open for the organizers."""
    return int(
        conn.execute(
            update(QUESTION)
            .where(
                QUESTION.c.status == QuestionStatus.ANSWERED,
                QUESTION.c.last_activity_at <= now - QUIET_CLOSES,
            )
            .values(status=QuestionStatus.CLOSED)
        ).rowcount
    )


def canned(conn: Connection, commune: str) -> list[Canned]:
    rows = conn.execute(
        select(CANNED_ANSWER.c.id, CANNED_ANSWER.c.text)
        .where(CANNED_ANSWER.c.commune_code == commune)
        .order_by(CANNED_ANSWER.c.id)
        .limit(CANNED_MAX)
    )
    return [Canned(r.id, r.text) for r in rows]


def save_canned(conn: Connection, commune: str, text: str, actor: str, now: datetime) -> int:
    """Keep an answer for the commune; the oldest goes once there are `CANNED_MAX`."""
    kept = select(CANNED_ANSWER.c.id).where(CANNED_ANSWER.c.commune_code == commune)
    ids = list(conn.execute(kept.order_by(CANNED_ANSWER.c.id.desc())).scalars())
    if len(ids) >= CANNED_MAX:
        conn.execute(delete(CANNED_ANSWER).where(CANNED_ANSWER.c.id.in_(ids[CANNED_MAX - 1 :])))
    return inserted_id(
        conn,
        insert(CANNED_ANSWER).values(
            commune_code=commune, text=text, created_by=actor[:80], created_at=now
        ),
    )


def with_group(conn: Connection, group_id: int, resident_id: int) -> str | None:
    """The commune of a group the resident follows; None when they do not follow it."""
    return conn.execute(
        select(COMMUNITY_GROUP.c.commune_code)
        .join(MEMBERSHIP, MEMBERSHIP.c.group_id == COMMUNITY_GROUP.c.id)
        .where(and_(COMMUNITY_GROUP.c.id == group_id, MEMBERSHIP.c.resident_id == resident_id))
    ).scalar_one_or_none()


async def close_quiet_questions(db: Database, now: datetime) -> int:
    """`close_quiet` in a transaction of its own, for the hourly housekeeping."""
    async with db.transaction() as tx:
        return await tx.run(close_quiet, now)


def voices(conn: Connection, ticket_id: int) -> list[Attachment]:
    """The voice notes of a ticket Hayna kept, oldest first, as files to play or send."""
    refs = conn.execute(
        select(QUESTION_MESSAGE.c.media_ref)
        .where(QUESTION_MESSAGE.c.question_id == ticket_id)
        .order_by(QUESTION_MESSAGE.c.id)
    ).scalars()
    return media.voice_files(conn, refs, f"question-{ticket_id}")
