"""Consultation meetings: drafted, published (announced at once, reminders planned), moved
(reminders planned again, those who answered told), cancelled (everyone told once), RSVPs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Row,
    Select,
    and_,
    exists,
    func,
    insert,
    or_,
    select,
    update,
)

from conversations.actor import ACTOR_MAX
from conversations.groups import (
    Answer,
    Audience,
    Counts,
    Meeting,
    MeetingDraft,
    Scope,
    announced,
    cancelled,
    moved,
)
from conversations.groups import reminder as reminder_notice
from storage import announcements
from storage.announcements import Kind
from storage.dialect import insert_ignore, inserted_id
from storage.models import (
    ANNOUNCEMENT,
    COMMUNITY_GROUP,
    MEETING,
    MEETING_GROUP,
    MEETING_OUTCOME,
    MEMBERSHIP,
    RSVP,
)


class MeetingLife(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"


class MeetingError(ValueError):
    """A change that cannot be made; str() says why, for the organizer."""


# What is stored is what the organizer wrote, in the chat or on the command line.
NewMeeting = MeetingDraft


def create(conn: Connection, new: NewMeeting, actor: str, now: datetime) -> int:
    """Store a meeting as a draft; returns its id."""
    meeting_id = inserted_id(
        conn,
        insert(MEETING).values(
            commune_code=new.commune_code,
            title=new.title,
            agenda=new.agenda,
            place=new.place,
            lat=new.lat,
            lon=new.lon,
            starts_at=new.starts_at,
            status=MeetingLife.DRAFT,
            reminders=",".join(str(m) for m in new.reminders),
            created_by=actor[:ACTOR_MAX],
            created_at=now,
            updated_at=now,
        ),
    )
    for group_id in sorted(set(new.group_ids)):
        insert_ignore(conn, MEETING_GROUP, meeting_id=meeting_id, group_id=group_id)
    return meeting_id


def audience(conn: Connection, meeting_id: int) -> Audience:
    found = audiences(conn, (meeting_id,))
    if meeting_id not in found:
        raise MeetingError(f"there is no meeting {meeting_id}")
    return found[meeting_id]


def audiences(conn: Connection, meeting_ids: Sequence[int]) -> dict[int, Audience]:
    """Whom each of the meetings is for, by id, in two queries for any number of them."""
    communes = dict(
        conn.execute(
            select(MEETING.c.id, MEETING.c.commune_code).where(MEETING.c.id.in_(meeting_ids))
        ).all()
    )
    groups: dict[int, list[int]] = {meeting_id: [] for meeting_id in communes}
    for meeting_id, group_id in conn.execute(
        select(MEETING_GROUP.c.meeting_id, MEETING_GROUP.c.group_id)
        .where(MEETING_GROUP.c.meeting_id.in_(list(communes)))
        .order_by(MEETING_GROUP.c.group_id)
    ):
        groups[meeting_id].append(group_id)
    return {i: Audience(commune, tuple(groups[i])) for i, commune in communes.items()}


def view(conn: Connection, meeting_id: int, resident_id: int | None = None) -> Meeting | None:
    found = _views(conn, select(MEETING.c.id).where(MEETING.c.id == meeting_id), resident_id)
    return found[0] if found else None


def _views(conn: Connection, ids: Select[Any], resident_id: int | None = None) -> list[Meeting]:
    """The meetings whose ids ``ids`` selects, in its order, with the resident's answer: two
    queries for a list of up to a thousand (a page of 120 meetings is not 240 round trips)."""
    place = {meeting_id: i for i, meeting_id in enumerate(conn.execute(ids).scalars())}
    if not place:
        return []
    answers = (
        select(RSVP.c.meeting_id, RSVP.c.answer).where(RSVP.c.resident_id == resident_id)
    ).subquery()
    rows: list[Row[Any]] = []
    listed = list(place)
    # A thousand ids a query: PostgreSQL's driver takes at most 32,767 values in one.
    for start in range(0, len(listed), 1_000):
        rows += conn.execute(
            select(MEETING, answers.c.answer)
            .outerjoin(answers, answers.c.meeting_id == MEETING.c.id)
            .where(MEETING.c.id.in_(listed[start : start + 1_000]))
        ).all()
    return [
        Meeting(
            row.id,
            row.commune_code,
            row.title,
            row.starts_at,
            row.place,
            row.agenda,
            row.status,
            row.lat,
            row.lon,
            Answer(row.answer) if row.answer else None,
        )
        for row in sorted(rows, key=lambda row: place[row.id])
    ]


def _announce(
    conn: Connection, meeting: Meeting, kind: Kind, actor: str, now: datetime, at: datetime
) -> int:
    notices = {
        Kind.MEETING: announced,
        Kind.REMINDER: reminder_notice,
        Kind.MOVED: moved,
        Kind.CANCELLED: cancelled,
    }
    body = notices[kind](meeting).to_json()
    who = audience(conn, meeting.id)
    return announcements.create(conn, kind, who, body, at, actor, now, meeting.id)


def _plan_reminders(conn: Connection, meeting: Meeting, actor: str, now: datetime) -> None:
    minutes = conn.execute(select(MEETING.c.reminders).where(MEETING.c.id == meeting.id))
    for before in (int(m) for m in minutes.scalar_one().split(",") if m):
        at = meeting.starts_at - timedelta(minutes=before)
        # A reminder whose time has passed already (a meeting published late) is not sent.
        if at > now:
            _announce(conn, meeting, Kind.REMINDER, actor, now, at)


def _stop_planned(conn: Connection, meeting_id: int, kinds: Sequence[Kind]) -> None:
    ids = conn.execute(
        select(ANNOUNCEMENT.c.id).where(
            ANNOUNCEMENT.c.meeting_id == meeting_id, ANNOUNCEMENT.c.kind.in_(list(kinds))
        )
    ).scalars()
    announcements.cancel(conn, list(ids))


def locked(conn: Connection, meeting_id: int) -> Meeting:
    """The meeting, locked until the change commits (on PostgreSQL; SQLite writes one at a
    time): two organizers publishing or cancelling at once must not both announce it."""
    conn.execute(select(MEETING.c.id).where(MEETING.c.id == meeting_id).with_for_update())
    meeting = view(conn, meeting_id)
    if meeting is None:
        raise MeetingError(f"there is no meeting {meeting_id}")
    return meeting


def _current(conn: Connection, meeting_id: int, life: MeetingLife) -> Meeting:
    meeting = locked(conn, meeting_id)
    if meeting.status != life:
        raise MeetingError(f"meeting {meeting_id} is {meeting.status}, not {life}")
    return meeting


def _set(conn: Connection, meeting_id: int, now: datetime, **values: object) -> None:
    conn.execute(update(MEETING).where(MEETING.c.id == meeting_id).values(updated_at=now, **values))


def publish(conn: Connection, meeting_id: int, actor: str, now: datetime) -> Meeting:
    """Announce a draft to its audience now and plan its reminders."""
    meeting = _current(conn, meeting_id, MeetingLife.DRAFT)
    if meeting.starts_at <= now:
        raise MeetingError("the meeting's time has passed")
    _set(conn, meeting_id, now, status=MeetingLife.PUBLISHED)
    _announce(conn, meeting, Kind.MEETING, actor, now, now)
    _plan_reminders(conn, meeting, actor, now)
    return meeting


def move(conn: Connection, meeting_id: int, starts_at: datetime, actor: str, now: datetime) -> None:
    """Change the time: reminders planned again, those who answered told now."""
    meeting = _current(conn, meeting_id, MeetingLife.PUBLISHED)
    if starts_at <= now:
        raise MeetingError("the new time has passed")
    # An earlier change of time not yet sent would announce the old new time.
    _stop_planned(conn, meeting_id, (Kind.REMINDER, Kind.MOVED))
    _set(conn, meeting_id, now, starts_at=starts_at)
    meeting = replace(meeting, starts_at=starts_at)
    _announce(conn, meeting, Kind.MOVED, actor, now, now)
    _plan_reminders(conn, meeting, actor, now)


def cancel(conn: Connection, meeting_id: int, actor: str, now: datetime) -> None:
    """Cancel: the reminders stop, and the whole audience is told once."""
    meeting = _current(conn, meeting_id, MeetingLife.PUBLISHED)
    # The announcement itself too, if not yet sent: "new meeting" must not follow "cancelled".
    _stop_planned(conn, meeting_id, (Kind.MEETING, Kind.REMINDER, Kind.MOVED))
    _set(conn, meeting_id, now, status=MeetingLife.CANCELLED)
    _announce(conn, meeting, Kind.CANCELLED, actor, now, now)


def upcoming(
    conn: Connection, commune: str, resident_id: int, now: datetime, limit: int
) -> list[Meeting]:
    """Published meetings to come for a resident, their commune's and their groups', soonest
    first, at most ``limit``."""
    ids = (
        select(MEETING.c.id)
        .where(
            MEETING.c.status == MeetingLife.PUBLISHED,
            MEETING.c.starts_at > now,
            _for(commune, resident_id),
        )
        .order_by(MEETING.c.starts_at, MEETING.c.id)
        .limit(limit)
    )
    return _views(conn, ids, resident_id)


def _for(commune: str, resident_id: int) -> ColumnElement[bool]:
    """Meetings for a resident: their commune's, and their groups'."""
    groups = select(MEETING_GROUP.c.meeting_id).where(MEETING_GROUP.c.meeting_id == MEETING.c.id)
    mine = exists().where(
        MEETING_GROUP.c.meeting_id == MEETING.c.id,
        MEMBERSHIP.c.group_id == MEETING_GROUP.c.group_id,
        MEMBERSHIP.c.resident_id == resident_id,
    )
    return or_(and_(MEETING.c.commune_code == commune, ~groups.exists()), mine)


def closed(
    conn: Connection, commune: str, resident_id: int, since: datetime, limit: int
) -> list[Meeting]:
    """Meetings held since ``since`` whose outcome is published, that were for the resident
    or that they answered, latest first, at most ``limit``."""
    answered = exists().where(RSVP.c.meeting_id == MEETING.c.id, RSVP.c.resident_id == resident_id)
    ids = (
        select(MEETING.c.id)
        .join(MEETING_OUTCOME, MEETING_OUTCOME.c.meeting_id == MEETING.c.id)
        .where(
            MEETING_OUTCOME.c.published_at.is_not(None),
            MEETING.c.starts_at > since,
            or_(_for(commune, resident_id), answered),
        )
        .order_by(MEETING.c.starts_at.desc(), MEETING.c.id)
        .limit(limit)
    )
    return _views(conn, ids, resident_id)


def answer(
    conn: Connection, meeting_id: int, resident_id: int, said: Answer, now: datetime
) -> None:
    values = {"answer": said, "updated_at": now}
    if not insert_ignore(conn, RSVP, meeting_id=meeting_id, resident_id=resident_id, **values):
        conn.execute(
            update(RSVP)
            .where(RSVP.c.meeting_id == meeting_id, RSVP.c.resident_id == resident_id)
            .values(**values)
        )


def counts(conn: Connection, meeting_id: int) -> Counts:
    return counts_of(conn, (meeting_id,))[meeting_id]


def counts_of(conn: Connection, meeting_ids: Sequence[int]) -> dict[int, Counts]:
    """The answers of each meeting, by id, in one grouped query for any number of them."""
    found: dict[int, dict[str, int]] = {meeting_id: {} for meeting_id in meeting_ids}
    for meeting_id, said, n in conn.execute(
        select(RSVP.c.meeting_id, RSVP.c.answer, func.count())
        .where(RSVP.c.meeting_id.in_(list(meeting_ids)))
        .group_by(RSVP.c.meeting_id, RSVP.c.answer)
    ):
        found[meeting_id][Answer(said).name.lower()] = n
    for meeting_id, n in conn.execute(
        select(RSVP.c.meeting_id, func.count())
        .where(RSVP.c.meeting_id.in_(list(meeting_ids)), RSVP.c.checked_in_at.is_not(None))
        .group_by(RSVP.c.meeting_id)
    ):
        found[meeting_id]["at_door"] = n
    return {meeting_id: Counts(**answers) for meeting_id, answers in found.items()}


def answered(conn: Connection, found: Sequence[Meeting]) -> list[tuple[Meeting, Counts]]:
    """Each meeting with its answers, in one query."""
    counts = counts_of(conn, [meeting.id for meeting in found])
    return [(meeting, counts[meeting.id]) for meeting in found]


def to_come(conn: Connection, now: datetime, limit: int) -> list[Meeting]:
    """Drafts and published meetings still to come, soonest first, at most ``limit``."""
    query = (
        select(MEETING.c.id)
        .where(MEETING.c.status != MeetingLife.CANCELLED, MEETING.c.starts_at > now)
        .order_by(MEETING.c.starts_at, MEETING.c.id)
        .limit(limit)
    )
    return _views(conn, query)


def within(conn: Connection, scope: Scope, now: datetime, limit: int) -> list[Meeting]:
    """Drafts and published meetings to come that an organizer of ``scope`` reaches: of the
    next ``limit`` ones, those whose audience the scope covers."""
    found = to_come(conn, now, limit)
    reach = audiences(conn, [meeting.id for meeting in found])
    return [meeting for meeting in found if scope.covers(reach[meeting.id])]


def recent_within(conn: Connection, scope: Scope, since: datetime, limit: int) -> list[Meeting]:
    """Every meeting an organizer of ``scope`` reaches that starts after ``since`` (drafts,
    published and cancelled), soonest first: of the first ``limit`` of its communes', those
    whose audience the scope covers, in a fixed number of queries."""
    query = select(MEETING.c.id).where(MEETING.c.starts_at > since)
    if not scope.everywhere:
        of_groups = select(COMMUNITY_GROUP.c.commune_code).where(
            COMMUNITY_GROUP.c.id.in_(sorted(scope.groups))
        )
        query = query.where(
            MEETING.c.commune_code.in_(sorted(scope.communes))
            | MEETING.c.commune_code.in_(of_groups)
        )
    found = _views(conn, query.order_by(MEETING.c.starts_at, MEETING.c.id).limit(limit))
    reach = audiences(conn, [meeting.id for meeting in found])
    return [meeting for meeting in found if scope.covers(reach[meeting.id])]


def listing(conn: Connection, commune: str | None) -> list[Meeting]:
    query = select(MEETING.c.id).order_by(MEETING.c.starts_at.desc())
    if commune:
        query = query.where(MEETING.c.commune_code == commune)
    return _views(conn, query)
