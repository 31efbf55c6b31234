"""The weekly flag of overdue commitments: each commune's organizers are sent the list of its
commitments past their due date, at most once a week however many processes run the hourly
chores and however often they restart — a conditional UPDATE of the commune's `flagged_at`
decides which transaction sends it, and the deliveries are unique per message key besides."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Connection, or_, select, update

from conversations.commitment import FLAG_EVERY_DAYS, UNKEPT, overdue_notice
from conversations.kit import MOROCCO
from conversations.text import ByLocale, Renderable, Verbatim
from storage import commitments, groups
from storage.database import Database
from storage.deliveries import enqueue
from storage.dialect import insert_ignore
from storage.gazetteer import Gazetteer
from storage.models import COMMITMENT, COMMITMENT_REVIEW


def flag_key(commune: str, now: datetime) -> str:
    """The delivery rows' message key of one week's flag of a commune."""
    return f"commitments-overdue:{commune}:{now.astimezone(MOROCCO).date().isoformat()}"


def _won(conn: Connection, commune: str, now: datetime) -> bool:
    # One transaction moves the marker on; the others find it moved and send nothing.
    insert_ignore(conn, COMMITMENT_REVIEW, commune_code=commune, flagged_at=None)
    week_ago = now - timedelta(days=FLAG_EVERY_DAYS)
    moved = conn.execute(
        update(COMMITMENT_REVIEW)
        .where(
            COMMITMENT_REVIEW.c.commune_code == commune,
            or_(
                COMMITMENT_REVIEW.c.flagged_at.is_(None), COMMITMENT_REVIEW.c.flagged_at <= week_ago
            ),
        )
        .values(flagged_at=now)
    ).rowcount
    return bool(moved)


def _named(gazetteer: Gazetteer, code: str) -> Renderable:
    found = gazetteer.get(code)
    return ByLocale((("ar", found.name_ar),), found.name_fr) if found else Verbatim(code)


def flag(conn: Connection, now: datetime, gazetteer: Gazetteer) -> list[str]:
    """Send each commune's organizers its overdue commitments, if not done this week; the
    communes flagged (one with no organizer waits for one, its week not spent)."""
    today = now.astimezone(MOROCCO).date()
    late = select(COMMITMENT.c.commune_code).where(
        COMMITMENT.c.status.in_(sorted(UNKEPT)), COMMITMENT.c.due_on < today
    )
    flagged = []
    for commune in sorted(set(conn.execute(late).scalars())):
        organizers = groups.organizers_of(conn, commune)
        if not organizers or not _won(conn, commune, now):
            continue
        overdue = [c for c in commitments.listing(conn, commune) if c.overdue(today)]
        body = overdue_notice(_named(gazetteer, commune), overdue).to_json()
        for resident_id in organizers:
            enqueue(conn, flag_key(commune, now), resident_id, body, now)
        flagged.append(commune)
    return flagged


async def flag_overdue(db: Database, now: datetime) -> list[str]:
    """`flag` in a transaction of its own, for the hourly housekeeping."""
    gazetteer = Gazetteer.load()
    async with db.transaction() as tx:
        return await tx.run(flag, now, gazetteer)
