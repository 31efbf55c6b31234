"""An organizer's scope at a glance, the desk's first page: reports by category, status and
week, petitions, meetings to come with their answers, and the last updates with their
deliveries, in a fixed number of queries however many rows there are."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import ColumnElement, Connection, func, or_, select, true

from conversations.desk import WEEKS, Overview, PetitionProgress, UpdateFigures
from conversations.groups import Counts, Meeting, Scope
from conversations.kit import MOROCCO
from conversations.petition import SIGNING, PetitionLife
from conversations.report import CLOSED, Category, ReportStatus
from storage import announcements, meetings, petitions, tally
from storage.announcements import Kind, State
from storage.dialect import utc_hour
from storage.models import ANNOUNCEMENT, COMMUNITY_GROUP, PETITION, REPORT
from storage.report_views import covered, day_start
from storage.services.community import MEETINGS_READ

# A petition the council decided on (or that closed) stays on the overview this long.
RECENT = timedelta(days=90)
# Collecting, or with the commune: what organizers still follow.
FOLLOWED = frozenset({*SIGNING, PetitionLife.FILED})
PETITIONS_SHOWN = 20
MEETINGS_SHOWN = 10
UPDATES_SHOWN = 5
# Updates of the scope's communes read to find the last ones of its groups: a bounded read.
UPDATES_READ = 100


def overview(conn: Connection, scope: Scope, now: datetime) -> Overview:
    open_by_category, by_status = _reports(conn, scope)
    return Overview(
        _communes(conn, scope),
        open_by_category,
        by_status,
        _weekly(conn, scope, now),
        _petitions(conn, scope, now),
        _meetings(conn, scope, now),
        updates_within(conn, scope, UPDATES_SHOWN),
    )


def _communes(conn: Connection, scope: Scope) -> tuple[str, ...]:
    """The communes whose reports the organizer sees; everywhere, those with reports."""
    if not scope.everywhere:
        return tuple(sorted(scope.communes))
    found = conn.execute(select(REPORT.c.commune_code).distinct()).scalars()
    return tuple(sorted(found))


def _reports(
    conn: Connection, scope: Scope
) -> tuple[tuple[tuple[Category, int], ...], tuple[tuple[ReportStatus, int], ...]]:
    """Open reports by category (most first) and every status's count, from one query."""
    rows = conn.execute(
        select(REPORT.c.status, REPORT.c.category, func.count())
        .where(covered(scope))
        .group_by(REPORT.c.status, REPORT.c.category)
    ).all()
    by_category: Counter[Category] = Counter()
    by_status: Counter[ReportStatus] = Counter()
    for status, category, n in rows:
        by_status[ReportStatus(status)] += n
        if ReportStatus(status) not in CLOSED:
            by_category[Category(category)] += n
    order = list(Category)
    categories = sorted(by_category.items(), key=lambda item: (-item[1], order.index(item[0])))
    return tuple(categories), tuple((status, by_status[status]) for status in ReportStatus)


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _weekly(conn: Connection, scope: Scope, now: datetime) -> tuple[tuple[date, int], ...]:
    """Reports filed each week, Monday to Sunday in Moroccan time, the last `WEEKS` of them."""
    first = monday(now.astimezone(MOROCCO).date()) - timedelta(weeks=WEEKS - 1)
    weeks = dict.fromkeys((first + timedelta(weeks=i) for i in range(WEEKS)), 0)
    # Counted per UTC hour by the database (a few thousand rows at most, however many reports),
    # then each hour placed in its Moroccan week: Morocco's offsets are whole hours.
    hour = utc_hour(conn, REPORT.c.created_at)
    counted = conn.execute(
        select(hour, func.count())
        .where(covered(scope), REPORT.c.created_at >= day_start(first))
        .group_by(hour)
    )
    for text, n in counted:
        # "2026-12-03 15", read by slicing: strptime costs more than the query for each hour.
        at = datetime(int(text[:4]), int(text[5:7]), int(text[8:10]), int(text[11:13]), tzinfo=UTC)
        week = monday(at.astimezone(MOROCCO).date())
        if week in weeks:
            weeks[week] += n
    return tuple(weeks.items())


def _in_communes(scope: Scope, column: ColumnElement[str]) -> ColumnElement[bool]:
    return true() if scope.everywhere else column.in_(sorted(scope.communes))


def _petitions(conn: Connection, scope: Scope, now: datetime) -> tuple[PetitionProgress, ...]:
    """The scope's petitions still followed and those decided lately, with the exact count."""
    rows = conn.execute(
        select(*tally.COUNTED)
        .where(
            _in_communes(scope, PETITION.c.commune_code),
            or_(
                PETITION.c.status.in_(sorted(FOLLOWED)),
                (PETITION.c.status != PetitionLife.DRAFT) & (PETITION.c.updated_at >= now - RECENT),
            ),
        )
        .order_by(PETITION.c.updated_at.desc(), PETITION.c.id.desc())
        .limit(PETITIONS_SHOWN)
    )
    return tuple(
        PetitionProgress(
            r.code,
            r.title,
            PetitionLife(r.status),
            r.signatures,
            r.threshold,
            r.deadline,
            petitions.kind_of(r.kind),
        )
        for r in rows
    )


def _meetings(conn: Connection, scope: Scope, now: datetime) -> tuple[tuple[Meeting, Counts], ...]:
    """The next meetings the organizer reaches, as the chat lists them, with their answers."""
    found = meetings.within(conn, scope, now, MEETINGS_READ)[:MEETINGS_SHOWN]
    return tuple(meetings.answered(conn, found))


def updates_within(conn: Connection, scope: Scope, shown: int) -> tuple[UpdateFigures, ...]:
    """The last ``shown`` updates (not cancelled) whose audience the scope covers, with their
    figures, in a fixed number of queries."""
    query = select(
        ANNOUNCEMENT.c.id,
        ANNOUNCEMENT.c.commune_code,
        ANNOUNCEMENT.c.group_ids,
        ANNOUNCEMENT.c.body,
    ).where(ANNOUNCEMENT.c.kind == Kind.BROADCAST, ANNOUNCEMENT.c.status != State.CANCELLED)
    if not scope.everywhere:
        groups_communes = select(COMMUNITY_GROUP.c.commune_code).where(
            COMMUNITY_GROUP.c.id.in_(sorted(scope.groups))
        )
        query = query.where(
            ANNOUNCEMENT.c.commune_code.in_(sorted(scope.communes))
            | ANNOUNCEMENT.c.commune_code.in_(groups_communes)
        )
    rows = conn.execute(
        query.order_by(ANNOUNCEMENT.c.created_at.desc(), ANNOUNCEMENT.c.id.desc()).limit(
            UPDATES_READ
        )
    ).all()
    found = [r for r in rows if scope.covers(announcements.audience_of(r))][:shown]
    figures = announcements.reports_of(conn, [r.id for r in found])
    return tuple(UpdateFigures(announcements.first_words(r.body), figures[r.id]) for r in found)
