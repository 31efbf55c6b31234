"""Reported needs in SQL: filing, nearby duplicates, support, history and status changes.

A status change writes the history row, the report and one delivery per follower (reporter and
supporters) in one transaction; the delivery key is the history row, so a follower hears of a
change once, however often the outbox is retried, and setting the same status again is no change.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, func, insert, or_, select, update

from conversations.kit import MOROCCO, Media, MediaKind
from conversations.report import (
    CLOSED,
    Brief,
    Category,
    Detail,
    Draft,
    Event,
    ReportStatus,
    status_notice,
)
from conversations.report_rules import (
    NEARBY_MAX,
    ReportError,
    ReportRefusal,
    ReportWhy,
    box,
    hide_refusal,
    keeps,
    metres,
    nearby_since,
    place_key,
    same_need,
    status_refusal,
)
from storage.database import Database
from storage.deliveries import enqueue
from storage.dialect import insert_ignore, inserted_id
from storage.models import REPORT, REPORT_EVENT, REPORT_MEDIA, REPORT_SUPPORT

_CLOSED = sorted(status.value for status in CLOSED)


@dataclass(frozen=True, slots=True)
class Row:
    """A report as organizers and exports see it."""

    ref: str
    status: ReportStatus
    category: Category
    other_label: str
    commune_code: str
    place: str
    lat: float | None
    lon: float | None
    description: str
    created_at: datetime
    updated_at: datetime
    supporters: int
    note: str
    media: tuple[Media, ...]


def notice_key(event_id: int) -> str:
    """The delivery rows' message key of the notices of one status change."""
    return f"report-event:{event_id}"


def supporters() -> Any:
    return (
        select(func.count())
        .where(REPORT_SUPPORT.c.report_id == REPORT.c.id)
        .correlate(REPORT)
        .scalar_subquery()
    )


_BRIEF = (
    REPORT.c.ref,
    REPORT.c.category,
    REPORT.c.other_label,
    REPORT.c.place,
    REPORT.c.status,
    REPORT.c.created_at,
    REPORT.c.updated_at,
)


def _brief(row: Any) -> Brief:
    return Brief(
        row.ref,
        Category(row.category),
        row.other_label or "",
        row.place or "",
        ReportStatus(row.status),
        row.created_at,
        row.updated_at,
        row.supporters,
    )


# report_media.part of the voice note that says where the need is.
PLACE_PART = "place"


def file(conn: Connection, resident_id: int, draft: Draft, now: datetime) -> str:
    """Store a confirmed report with its media and first history row; return its reference."""
    report_id = inserted_id(
        conn,
        insert(REPORT).values(
            resident_id=resident_id,
            commune_code=draft.commune_code,
            category=draft.category,
            other_label=draft.other_label or None,
            place=draft.place or None,
            place_key=place_key(draft.place) or None,
            lat=draft.lat,
            lon=draft.lon,
            description=draft.description or None,
            status=ReportStatus.RECEIVED,
            created_at=now,
            updated_at=now,
        ),
    )
    ref = f"R-{now.astimezone(MOROCCO).year}-{report_id:06d}"
    conn.execute(update(REPORT).where(REPORT.c.id == report_id).values(ref=ref))
    parts = [("", media) for media in draft.media]
    if draft.place_voice is not None:
        parts.append((PLACE_PART, draft.place_voice))
    for part, media in parts:
        conn.execute(
            insert(REPORT_MEDIA).values(
                report_id=report_id,
                kind=media.kind,
                ref=media.ref,
                content_type=media.content_type,
                size=media.size,
                part=part,
            )
        )
    conn.execute(
        insert(REPORT_EVENT).values(
            report_id=report_id,
            status=ReportStatus.RECEIVED,
            note=None,
            actor="resident",
            created_at=now,
        )
    )
    return ref


def nearby(conn: Connection, resident_id: int, draft: Draft, now: datetime) -> list[Brief]:
    """Open reports of the draft's category that conversations/report_rules.py calls the same
    need, nearest first; none of the resident's own."""
    key = place_key(draft.place)
    near: list[ColumnElement[bool]] = []
    if draft.lat is not None and draft.lon is not None:
        dlat, dlon = box(draft.lat)
        near.append(
            REPORT.c.lat.between(draft.lat - dlat, draft.lat + dlat)
            & REPORT.c.lon.between(draft.lon - dlon, draft.lon + dlon)
        )
    if key:
        near.append(REPORT.c.place_key == key)
    if not near:
        return []
    rows = conn.execute(
        select(
            *_BRIEF,
            REPORT.c.lat,
            REPORT.c.lon,
            REPORT.c.hidden_reason,
            supporters().label("supporters"),
        ).where(
            REPORT.c.commune_code == draft.commune_code,
            REPORT.c.category == draft.category,
            REPORT.c.status.not_in(_CLOSED),
            REPORT.c.created_at >= nearby_since(now),
            or_(REPORT.c.resident_id.is_(None), REPORT.c.resident_id != resident_id),
            or_(*near),
        )
    ).all()
    scored = []
    for row in rows:
        distance = metres(draft.lat, draft.lon, row.lat, row.lon)
        if same_need(distance, draft.place, row.place or ""):
            scored.append((distance, row.created_at, row))
    scored.sort(key=lambda item: (item[0], item[1]))
    return [_offered(row) for _, _, row in scored[:NEARBY_MAX]]


def _offered(row: Any) -> Brief:
    """A report offered as the same need; one whose text an organizer hid is still offered
    (the need is real) but without the reporter's words."""
    brief = _brief(row)
    return replace(brief, place="", other_label="") if row.hidden_reason is not None else brief


def support(conn: Connection, ref: str, resident_id: int, now: datetime) -> bool | None:
    """Count the resident once among the report's supporters: False when they already were,
    None when the report is not open (closed since it was offered)."""
    report_id = conn.execute(
        select(REPORT.c.id).where(REPORT.c.ref == ref, REPORT.c.status.not_in(_CLOSED))
    ).scalar_one_or_none()
    if report_id is None:
        return None
    return insert_ignore(
        conn, REPORT_SUPPORT, report_id=report_id, resident_id=resident_id, created_at=now
    )


def mine(conn: Connection, resident_id: int, limit: int) -> list[Brief]:
    """The reports a resident made or supports, the most recently changed first."""
    supported = select(REPORT_SUPPORT.c.report_id).where(
        REPORT_SUPPORT.c.resident_id == resident_id
    )
    rows = conn.execute(
        select(*_BRIEF, supporters().label("supporters"))
        .where(or_(REPORT.c.resident_id == resident_id, REPORT.c.id.in_(supported)))
        .order_by(REPORT.c.updated_at.desc(), REPORT.c.id.desc())
        .limit(limit)
    ).all()
    return [_brief(row) for row in rows]


def detail(conn: Connection, ref: str, viewer: int | None = None) -> Detail | None:
    """A report as its followers read it. Only its reporter (``viewer``) still sees a text or a
    file an organizer hid; nobody sees the moderation steps of its history."""
    row = conn.execute(
        select(
            *_BRIEF,
            REPORT.c.id,
            REPORT.c.resident_id,
            REPORT.c.description,
            REPORT.c.hidden_reason,
            REPORT.c.duplicate_of,
            supporters().label("supporters"),
        ).where(REPORT.c.ref == ref)
    ).first()
    if row is None:
        return None
    kept = ""
    if row.duplicate_of is not None:
        kept = conn.execute(
            select(REPORT.c.ref).where(REPORT.c.id == row.duplicate_of)
        ).scalar_one()
    history = tuple(
        Event(ReportStatus(event.status), event.note or "", event.created_at)
        for event in conn.execute(
            select(REPORT_EVENT)
            .where(REPORT_EVENT.c.report_id == row.id, REPORT_EVENT.c.hidden.is_(None))
            .order_by(REPORT_EVENT.c.id)
        )
    )
    reporter = viewer is not None and viewer == row.resident_id
    shown = reporter or row.hidden_reason is None
    description = (row.description or "") if shown else ""
    media = _media_of(conn, [row.id], shown_to_all=not reporter).get(row.id, ())
    return Detail(_brief(row), description, media, kept, history)


def _media_of(
    conn: Connection, report_ids: Any, shown_to_all: bool = False
) -> dict[int, tuple[Media, ...]]:
    """The files of the reports ``report_ids`` lists (ids, or a query of them), by report, in
    one query; ``shown_to_all`` leaves out those an organizer hid."""
    query = select(REPORT_MEDIA).where(REPORT_MEDIA.c.report_id.in_(report_ids))
    if shown_to_all:
        query = query.where(REPORT_MEDIA.c.hidden_reason.is_(None))
    found: dict[int, list[Media]] = {}
    for m in conn.execute(query.order_by(REPORT_MEDIA.c.id)):
        found.setdefault(m.report_id, []).append(
            Media(MediaKind(m.kind), m.ref, m.content_type, m.size)
        )
    return {report_id: tuple(media) for report_id, media in found.items()}


def commune_of(conn: Connection, ref: str) -> str | None:
    """The commune a report belongs to, which says who may see and change it."""
    query = select(REPORT.c.commune_code).where(REPORT.c.ref == ref)
    found: str | None = conn.execute(query).scalar_one_or_none()
    return found


def set_status(
    conn: Connection,
    ref: str,
    status: ReportStatus,
    note: str,
    actor: str,
    now: datetime,
    duplicate_of: str = "",
) -> int | None:
    """Change a report's status and queue a notice for each follower; returns how many were
    queued, or None when nothing changes (the same status again: nobody is told twice). Raises
    `ReportError` for a change that conversations/report_rules.py refuses."""
    report = conn.execute(
        select(REPORT.c.id, REPORT.c.status, REPORT.c.resident_id, REPORT.c.duplicate_of)
        .where(REPORT.c.ref == ref)
        .with_for_update()
    ).first()
    if report is None:
        raise ReportError(ReportRefusal(ReportWhy.NO_REPORT, ref))
    refused = status_refusal(ref, status, note, actor, duplicate_of)
    if refused is not None:
        raise ReportError(refused)
    kept = _kept(conn, report.id, duplicate_of) if status is ReportStatus.DUPLICATE else None
    if ReportStatus(report.status) is status and (kept is None or kept == report.duplicate_of):
        return None
    event_id = inserted_id(
        conn,
        insert(REPORT_EVENT).values(
            report_id=report.id, status=status, note=note or None, actor=actor, created_at=now
        ),
    )
    conn.execute(
        update(REPORT)
        .where(REPORT.c.id == report.id)
        .values(status=status, updated_at=now, duplicate_of=kept)
    )
    followers = {
        *conn.execute(
            select(REPORT_SUPPORT.c.resident_id).where(REPORT_SUPPORT.c.report_id == report.id)
        ).scalars(),
        *([report.resident_id] if report.resident_id is not None else []),
    }
    if kept is not None:
        _follow(conn, kept, followers, now)
    body = status_notice(ref, status, note, duplicate_of).to_json()
    for resident_id in sorted(followers):
        enqueue(conn, notice_key(event_id), resident_id, body, now)
    return len(followers)


def _kept(conn: Connection, report_id: int, ref: str) -> int:
    """The report a duplicate points to: another one, still open."""
    kept = conn.execute(
        select(REPORT.c.id).where(REPORT.c.ref == ref, REPORT.c.status.not_in(_CLOSED))
    ).scalar_one_or_none()
    if kept is None or not keeps(report_id, kept):
        raise ReportError(ReportRefusal(ReportWhy.NO_KEPT, ref))
    return int(kept)


def _follow(conn: Connection, kept: int, followers: set[int], now: datetime) -> None:
    # The duplicate's followers now follow the report kept, so they hear how it ends.
    reporter = conn.execute(select(REPORT.c.resident_id).where(REPORT.c.id == kept)).scalar()
    for resident_id in followers - {reporter}:
        insert_ignore(conn, REPORT_SUPPORT, report_id=kept, resident_id=resident_id, created_at=now)


def hide(
    conn: Connection, ref: str, media_id: int | None, reason: str, actor: str, now: datetime
) -> bool:
    """Hide a report's text (``media_id`` None) or one of its files from other residents, the
    reason kept in its history; False when it already was hidden. Nobody is told. Raises
    `ReportError` when conversations/report_rules.py refuses it or there is no such file."""
    report = conn.execute(
        select(REPORT.c.id, REPORT.c.status, REPORT.c.hidden_reason)
        .where(REPORT.c.ref == ref)
        .with_for_update()
    ).first()
    if report is None:
        raise ReportError(ReportRefusal(ReportWhy.NO_REPORT, ref))
    refused = hide_refusal(ref, reason, actor)
    if refused is not None:
        raise ReportError(refused)
    why = reason.strip()
    if media_id is not None:
        if not _hide_file(conn, ref, report.id, media_id, why):
            return False
    elif report.hidden_reason is None:
        conn.execute(update(REPORT).where(REPORT.c.id == report.id).values(hidden_reason=why))
    else:
        return False
    what = "text" if media_id is None else f"media:{media_id}"
    conn.execute(
        insert(REPORT_EVENT).values(
            report_id=report.id,
            status=report.status,
            note=why,
            actor=actor,
            hidden=what,
            created_at=now,
        )
    )
    return True


def _hide_file(conn: Connection, ref: str, report_id: int, media_id: int, why: str) -> bool:
    hidden = conn.execute(
        select(REPORT_MEDIA.c.hidden_reason).where(
            REPORT_MEDIA.c.id == media_id, REPORT_MEDIA.c.report_id == report_id
        )
    ).first()
    if hidden is None:
        raise ReportError(ReportRefusal(ReportWhy.NO_MEDIA, ref))
    if hidden.hidden_reason is not None:
        return False
    conn.execute(
        update(REPORT_MEDIA).where(REPORT_MEDIA.c.id == media_id).values(hidden_reason=why)
    )
    return True


def rows(
    conn: Connection, commune: str | None, status: ReportStatus | None, category: Category | None
) -> list[Row]:
    """Reports for organizers and exports, newest first, filtered as asked; their files in one
    more query, however many they are."""
    last_note = (
        select(REPORT_EVENT.c.note)
        .where(REPORT_EVENT.c.report_id == REPORT.c.id, REPORT_EVENT.c.hidden.is_(None))
        .order_by(REPORT_EVENT.c.id.desc())
        .limit(1)
        .correlate(REPORT)
        .scalar_subquery()
    )
    where = []
    if commune:
        where.append(REPORT.c.commune_code == commune)
    if status:
        where.append(REPORT.c.status == status)
    if category:
        where.append(REPORT.c.category == category)
    query = (
        select(REPORT, supporters().label("supporters"), last_note.label("note"))
        .where(*where)
        .order_by(REPORT.c.created_at.desc(), REPORT.c.id.desc())
    )
    media = _media_of(conn, select(REPORT.c.id).where(*where))
    return [
        Row(
            r.ref,
            ReportStatus(r.status),
            Category(r.category),
            r.other_label or "",
            r.commune_code,
            r.place or "",
            r.lat,
            r.lon,
            r.description or "",
            r.created_at,
            r.updated_at,
            r.supporters,
            r.note or "",
            media.get(r.id, ()),
        )
        for r in conn.execute(query)
    ]


class ReportBook:
    """Reports for organizers' lists and exports, one transaction per call (their changes go
    through storage/operator.py, checked and audited)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def rows(
        self,
        commune: str | None = None,
        status: ReportStatus | None = None,
        category: Category | None = None,
    ) -> list[Row]:
        async with self.db.transaction() as tx:
            return await tx.run(rows, commune, status, category)
