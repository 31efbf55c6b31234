"""Asking a report's followers whether it is fixed (conversations/fixed_check.py): the hourly
round queues the question once per report (a conditional UPDATE decides which process does),
a resident's answer is kept once, and a "no" reopens a resolved report, a "yes" confirms it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, and_, func, or_, select, update

from conversations.fixed_check import (
    AFTER_RESOLVED,
    AFTER_SILENCE,
    FixedRate,
    Pending,
    Said,
    actor,
    move,
    notice,
)
from conversations.report import ReportStatus
from storage import reports
from storage.database import Database
from storage.deliveries import enqueue
from storage.dialect import insert_ignore
from storage.models import FIXED_CHECK, REPORT, REPORT_SUPPORT

# Reports asked about in one round, at most: the next round asks the others.
ROUND = 500


def key(report_id: int) -> str:
    return f"fixed-check:{report_id}"


def ask_due(conn: Connection, now: datetime) -> list[str]:
    """Queue the question for every report resolved 4 weeks ago, or unanswered for 8, not yet
    asked about; their references."""
    due = or_(
        and_(REPORT.c.status == ReportStatus.RESOLVED, REPORT.c.updated_at <= now - AFTER_RESOLVED),
        and_(REPORT.c.status == ReportStatus.RECEIVED, REPORT.c.updated_at <= now - AFTER_SILENCE),
    )
    rows = conn.execute(
        select(REPORT.c.id, REPORT.c.ref, REPORT.c.status, REPORT.c.resident_id)
        .where(due, REPORT.c.fixed_asked_at.is_(None), REPORT.c.ref.is_not(None))
        .order_by(REPORT.c.id)
        .limit(ROUND)
    ).all()
    asked = []
    for row in rows:
        won = conn.execute(
            update(REPORT)
            .where(REPORT.c.id == row.id, REPORT.c.fixed_asked_at.is_(None))
            .values(fixed_asked_at=now)
        ).rowcount
        if won:
            resolved = ReportStatus(row.status) is ReportStatus.RESOLVED
            _ask(conn, row.id, row.ref, resolved, row.resident_id, now)
            asked.append(row.ref)
    return asked


def _ask(
    conn: Connection,
    report_id: int,
    ref: str,
    resolved: bool,
    reporter: int | None,
    now: datetime,
) -> None:
    """The question to the reporter and every supporter, each asked once."""
    supporters = select(REPORT_SUPPORT.c.resident_id).where(REPORT_SUPPORT.c.report_id == report_id)
    followers = {*conn.execute(supporters).scalars(), *([reporter] if reporter else [])}
    body = notice(ref, resolved).to_json()
    for resident_id in sorted(followers):
        insert_ignore(conn, FIXED_CHECK, report_id=report_id, resident_id=resident_id, asked_at=now)
        enqueue(conn, key(report_id), resident_id, body, now)


def pending(conn: Connection, resident_id: int) -> Pending | None:
    """The oldest question this resident has not answered, of a report still there."""
    row = conn.execute(
        select(REPORT.c.ref, REPORT.c.status)
        .join(FIXED_CHECK, FIXED_CHECK.c.report_id == REPORT.c.id)
        .where(FIXED_CHECK.c.resident_id == resident_id, FIXED_CHECK.c.answered_at.is_(None))
        .order_by(FIXED_CHECK.c.asked_at, REPORT.c.id)
        .limit(1)
    ).first()
    if row is None:
        return None
    return Pending(row.ref, ReportStatus(row.status) is ReportStatus.RESOLVED)


def answer(conn: Connection, resident_id: int, ref: str, said: Said, now: datetime) -> bool:
    """Keep the answer (once) and move the report as it says; False when there was no such
    question to answer."""
    report = conn.execute(select(REPORT.c.id, REPORT.c.status).where(REPORT.c.ref == ref)).first()
    if report is None:
        return False
    kept = conn.execute(
        update(FIXED_CHECK)
        .where(
            FIXED_CHECK.c.report_id == report.id,
            FIXED_CHECK.c.resident_id == resident_id,
            FIXED_CHECK.c.answered_at.is_(None),
        )
        .values(answered_at=now, fixed=said is Said.FIXED)
    ).rowcount
    if not kept:
        return False
    status = move(said, ReportStatus(report.status))
    if status is not None:
        reports.set_status(conn, ref, status, "", actor(said), now)
    return True


def rate(conn: Connection, commune: str | None = None) -> FixedRate:
    """How many were asked, answered, and said "not fixed" (of a commune's reports, or all)."""
    query = select(
        func.count(),
        func.count(FIXED_CHECK.c.answered_at),
        func.count().filter(FIXED_CHECK.c.fixed.is_(False)),
    ).select_from(FIXED_CHECK.join(REPORT, REPORT.c.id == FIXED_CHECK.c.report_id))
    if commune is not None:
        query = query.where(REPORT.c.commune_code == commune)
    asked, answered, not_fixed = conn.execute(query).one()
    return FixedRate(int(asked), int(answered), int(not_fixed))


async def ask_if_fixed(db: Database, now: datetime) -> list[str]:
    """`ask_due` in a transaction of its own, for the hourly housekeeping."""
    async with db.transaction() as tx:
        return await tx.run(ask_due, now)
