"""Reports as the organizers' desk lists and opens them: a page of lines with their figures,
the pins of the whole list, one report's file and where its files are.

A list is four statements however long it is: the figures of each line are subqueries of the
same query, never one more query per row. The organizer's scope is checked before (storage/
operator.py for one report) or is part of every query (`covered`).
"""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Connection, func, select, true

from conversations.desk import (
    PER_PAGE,
    Attached,
    Fetchable,
    Pin,
    ReportFile,
    ReportLine,
    ReportList,
    ReportQuery,
    Step,
)
from conversations.groups import Scope
from conversations.kit import MOROCCO, MediaKind
from conversations.report import Category, ReportStatus
from conversations.report_rules import place_key
from storage.media import kept_file
from storage.models import REPORT, REPORT_EVENT, REPORT_MEDIA, RESIDENT
from storage.reports import supporters

# The map shows at most this many pins of a list: enough for a commune, light for a browser.
PINS_MAX = 2_000
_KEPT = REPORT.alias("kept")


def covered(scope: Scope) -> ColumnElement[bool]:
    """The reports an organizer of ``scope`` sees: those of the communes it covers. A group's
    organizer sees none: a report belongs to its commune, not to a group."""
    if scope.everywhere:
        return true()
    return REPORT.c.commune_code.in_(sorted(scope.communes))


def day_start(day: date) -> datetime:
    """Midnight of a Moroccan day, the bound a day given by an organizer means."""
    return datetime(day.year, day.month, day.day, tzinfo=MOROCCO)


def _filtered(scope: Scope, query: ReportQuery) -> list[ColumnElement[bool]]:
    where = [covered(scope)]
    if query.commune:
        # Within the scope's communes only: another commune's gives nothing.
        where.append(REPORT.c.commune_code == query.commune)
    if query.status is not None:
        where.append(REPORT.c.status == query.status)
    if query.category is not None:
        where.append(REPORT.c.category == query.category)
    words = place_key(query.place)
    if words:
        # The folded place, as duplicates compare it: case and accents do not matter.
        where.append(REPORT.c.place_key.contains(words, autoescape=True))
    if query.since is not None:
        where.append(REPORT.c.created_at >= day_start(query.since))
    if query.until is not None:
        where.append(REPORT.c.created_at < day_start(query.until + timedelta(days=1)))
    return where


def _files() -> Any:
    return (
        select(func.count())
        .where(REPORT_MEDIA.c.report_id == REPORT.c.id)
        .correlate(REPORT)
        .scalar_subquery()
    )


_LINE = (
    REPORT.c.ref,
    REPORT.c.category,
    REPORT.c.other_label,
    REPORT.c.commune_code,
    REPORT.c.place,
    REPORT.c.status,
    REPORT.c.created_at,
    supporters().label("supporters"),
    _files().label("files"),
    REPORT.c.hidden_reason,
    REPORT.c.lat,
    REPORT.c.lon,
)
_NEWEST = (REPORT.c.created_at.desc(), REPORT.c.id.desc())


def _line(row: Any) -> ReportLine:
    return ReportLine(
        row.ref,
        Category(row.category),
        row.other_label or "",
        row.commune_code,
        row.place or "",
        ReportStatus(row.status),
        row.created_at,
        row.supporters,
        row.files,
        row.hidden_reason is not None,
        row.lat,
        row.lon,
    )


def listed(conn: Connection, scope: Scope, query: ReportQuery) -> ReportList:
    """One page of the reports the query and the scope select, newest first, with the pins of
    the whole list."""
    where = _filtered(scope, query)
    total = int(conn.execute(select(func.count()).select_from(REPORT).where(*where)).scalar_one())
    pages = max(1, math.ceil(total / PER_PAGE))
    page = min(max(query.page, 1), pages)
    # The page's ids first, from the index; the figures are then computed for its lines only,
    # not for every line a deep page skips.
    ids = (
        select(REPORT.c.id)
        .where(*where)
        .order_by(*_NEWEST)
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
        .scalar_subquery()
    )
    lines = conn.execute(select(*_LINE).where(REPORT.c.id.in_(ids)).order_by(*_NEWEST))
    pinned = conn.execute(
        select(REPORT.c.ref, REPORT.c.commune_code, REPORT.c.status, REPORT.c.lat, REPORT.c.lon)
        .where(*where, REPORT.c.lat.is_not(None), REPORT.c.lon.is_not(None))
        .order_by(*_NEWEST)
        .limit(PINS_MAX)
    )
    pins = tuple(Pin(r.ref, r.commune_code, ReportStatus(r.status), r.lat, r.lon) for r in pinned)
    return ReportList(tuple(map(_line, lines)), total, page, pages, pins)


def opened(conn: Connection, ref: str) -> ReportFile | None:
    """A report as organizers see it: everything, hidden or not, and every step of its history
    with who took it."""
    row = conn.execute(
        select(*_LINE, REPORT.c.id, REPORT.c.description, _KEPT.c.ref.label("kept"))
        .outerjoin(_KEPT, _KEPT.c.id == REPORT.c.duplicate_of)
        .where(REPORT.c.ref == ref)
    ).first()
    if row is None:
        return None
    media = tuple(
        Attached(m.id, MediaKind(m.kind), m.content_type, m.hidden_reason or "", m.part)
        for m in conn.execute(
            select(REPORT_MEDIA)
            .where(REPORT_MEDIA.c.report_id == row.id)
            .order_by(REPORT_MEDIA.c.id)
        )
    )
    history = tuple(
        Step(
            ReportStatus(e.status),
            e.note or "",
            e.actor,
            e.created_at,
            # "media:12" is stored; the dashboard names the photo by its number.
            (e.hidden or "").removeprefix("media:"),
        )
        for e in conn.execute(
            select(REPORT_EVENT)
            .where(REPORT_EVENT.c.report_id == row.id)
            .order_by(REPORT_EVENT.c.id)
        )
    )
    return ReportFile(
        _line(row), row.description or "", row.hidden_reason or "", row.kept or "", media, history
    )


def fetchable(conn: Connection, ref: str, media_id: int) -> Fetchable | None:
    """Where one of a report's files is: its bytes when Hayna kept them, else the channel its
    reporter wrote from and its reference there; None when there is no such file (or its
    reporter erased their data)."""
    row = conn.execute(
        select(RESIDENT.c.channel, REPORT_MEDIA.c.ref, REPORT_MEDIA.c.content_type)
        .select_from(REPORT_MEDIA)
        .join(REPORT, REPORT.c.id == REPORT_MEDIA.c.report_id)
        .join(RESIDENT, RESIDENT.c.id == REPORT.c.resident_id)
        .where(REPORT.c.ref == ref, REPORT_MEDIA.c.id == media_id)
    ).first()
    return kept_file(conn, row.channel, row.ref, row.content_type) if row else None
