"""Meetings closed with outcomes: the codes residents show at the door and their check-in, the
outcome an organizer records (attendance, by group too, a summary, decisions), and its
publication to everyone who answered and to the meeting's audience, each once."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection, delete, func, insert, select, update

from conversations.actor import ACTOR_MAX
from conversations.commitment import MAKER_MAX, CommitmentDraft, SourceKind
from conversations.groups import Meeting
from conversations.kit import MOROCCO
from conversations.outcome import (
    CODE_ALPHABET,
    CODE_LENGTH,
    CheckedIn,
    Decision,
    GroupAttendance,
    MeetingOutcome,
    OutcomeDraft,
    OutcomeError,
    OutcomeWhy,
    code_of,
    draft_why,
    moroccan_day,
    outcome_notice,
)
from conversations.words import global_word
from storage import announcements, commitments, groups, meetings
from storage.announcements import Kind
from storage.models import (
    COMMUNITY_GROUP,
    MEETING_ATTENDANCE,
    MEETING_DECISION,
    MEETING_OUTCOME,
    RSVP,
)


def give_code(conn: Connection, meeting_id: int, resident_id: int) -> str:
    """The resident's code for the meeting, given now if they had none: one no other RSVP of
    the meeting holds (the unique key settles the rare race of two at once)."""
    mine = (RSVP.c.meeting_id == meeting_id, RSVP.c.resident_id == resident_id)
    held = conn.execute(select(RSVP.c.code).where(*mine)).scalar()
    if held:
        return str(held)
    taken = set(conn.execute(select(RSVP.c.code).where(RSVP.c.meeting_id == meeting_id)).scalars())
    code = _fresh(taken)
    conn.execute(update(RSVP).where(*mine).values(code=code))
    return code


def _fresh(taken: set[str | None]) -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        # "MENU" typed at the door would open the menu, not check anyone in.
        if code not in taken and global_word(code) is None:
            return code


def code(conn: Connection, meeting_id: int, resident_id: int) -> str | None:
    found = select(RSVP.c.code).where(
        RSVP.c.meeting_id == meeting_id, RSVP.c.resident_id == resident_id
    )
    return conn.execute(found).scalar()


def check_in(conn: Connection, meeting_id: int, typed: str, now: datetime) -> CheckedIn:
    """Mark the RSVP holding the typed code attended; once only."""
    held = (RSVP.c.meeting_id == meeting_id, RSVP.c.code == code_of(typed))
    # Conditional: of two people at the door typing one code, one checks it in.
    marked = conn.execute(
        update(RSVP).where(*held, RSVP.c.checked_in_at.is_(None)).values(checked_in_at=now)
    ).rowcount
    if marked:
        return CheckedIn.OK
    found = conn.execute(select(func.count()).where(*held)).scalar_one()
    return CheckedIn.ALREADY if found else CheckedIn.UNKNOWN


def checked_in(conn: Connection, meeting_id: int) -> int:
    found = select(func.count()).where(
        RSVP.c.meeting_id == meeting_id, RSVP.c.checked_in_at.is_not(None)
    )
    return int(conn.execute(found).scalar_one())


def _held(conn: Connection, meeting_id: int, now: datetime) -> Meeting:
    """The meeting, locked, when an outcome may be recorded or published for it."""
    meeting = meetings.locked(conn, meeting_id)
    if meeting.status != meetings.MeetingLife.PUBLISHED:
        raise OutcomeError(OutcomeWhy.NOT_PUBLISHED, f"meeting {meeting_id} is {meeting.status}")
    if meeting.starts_at > now:
        raise OutcomeError(OutcomeWhy.NOT_HELD, f"meeting {meeting_id} has not been held yet")
    published = select(MEETING_OUTCOME.c.published_at).where(
        MEETING_OUTCOME.c.meeting_id == meeting_id
    )
    if conn.execute(published).scalar() is not None:
        raise OutcomeError(OutcomeWhy.ALREADY_PUBLISHED, "its outcome is already published")
    return meeting


def record(
    conn: Connection, meeting_id: int, draft: OutcomeDraft, actor: str, now: datetime
) -> None:
    """Store (or store again, until published) a held meeting's outcome."""
    meeting = _held(conn, meeting_id, now)
    why = draft_why(draft, moroccan_day(now))
    if why is not None:
        raise OutcomeError(why)
    for counted in draft.by_group:
        group = groups.group(conn, counted.group_id)
        if group is None or group.commune_code != meeting.commune_code:
            raise OutcomeError(OutcomeWhy.GROUP_ELSEWHERE, f"group {counted.group_id}")
    for table in (MEETING_OUTCOME, MEETING_ATTENDANCE, MEETING_DECISION):
        conn.execute(delete(table).where(table.c.meeting_id == meeting_id))
    conn.execute(
        insert(MEETING_OUTCOME).values(
            meeting_id=meeting_id,
            summary=draft.summary.strip(),
            attended=draft.attended,
            recorded_by=actor[:ACTOR_MAX],
            recorded_at=now,
        )
    )
    for counted in draft.by_group:
        conn.execute(
            insert(MEETING_ATTENDANCE).values(
                meeting_id=meeting_id, group_id=counted.group_id, count=counted.count
            )
        )
    for position, decision in enumerate(draft.decisions, start=1):
        conn.execute(
            insert(MEETING_DECISION).values(
                meeting_id=meeting_id,
                position=position,
                text=decision.text.strip(),
                responsible=decision.responsible.strip() or None,
                due_on=decision.due_on,
            )
        )


def publish(conn: Connection, meeting_id: int, actor: str, now: datetime) -> int:
    """Tell the outcome, once, to those who answered and to the audience; the announcement."""
    meeting = _held(conn, meeting_id, now)
    found = outcome(conn, meeting_id)
    if found is None:
        raise OutcomeError(OutcomeWhy.NOT_RECORDED, "no outcome is recorded yet")
    told = OutcomeDraft(found.summary, found.attended, found.decisions)
    body = outcome_notice(meeting, told).to_json()
    who = meetings.audience(conn, meeting_id)
    number = announcements.create(conn, Kind.OUTCOME, who, body, now, actor, now, meeting_id)
    conn.execute(
        update(MEETING_OUTCOME)
        .where(MEETING_OUTCOME.c.meeting_id == meeting_id)
        .values(published_at=now)
    )
    _committed(conn, meeting, found.decisions, actor, now)
    return number


def _committed(
    conn: Connection, meeting: Meeting, decided: Sequence[Decision], actor: str, now: datetime
) -> None:
    """Each decision with a day to come becomes a commitment of the commune, followed by those
    who said they attend (storage/commitments.py): who is responsible made it, else the
    meeting. A decision without a day is recorded in the outcome only."""
    today = now.astimezone(MOROCCO).date()
    for decision in decided:
        if decision.due_on is None or decision.due_on < today:
            continue
        made_by = decision.responsible or meeting.title[:MAKER_MAX]
        draft = CommitmentDraft(
            meeting.commune_code,
            decision.text,
            made_by,
            decision.due_on,
            SourceKind.MEETING,
            str(meeting.id),
        )
        commitments.create(conn, draft, actor, now)


def decisions(conn: Connection, meeting_id: int) -> list[Decision]:
    """A meeting's decisions, in their order."""
    rows = conn.execute(
        select(MEETING_DECISION)
        .where(MEETING_DECISION.c.meeting_id == meeting_id)
        .order_by(MEETING_DECISION.c.position)
    )
    return [Decision(r.position, r.text, r.responsible or "", r.due_on) for r in rows]


def by_group(conn: Connection, meeting_id: int) -> list[GroupAttendance]:
    rows = conn.execute(
        select(
            MEETING_ATTENDANCE.c.group_id,
            MEETING_ATTENDANCE.c.count.label("n"),
            COMMUNITY_GROUP.c.name,
            COMMUNITY_GROUP.c.kind,
        )
        .join(COMMUNITY_GROUP, COMMUNITY_GROUP.c.id == MEETING_ATTENDANCE.c.group_id)
        .where(MEETING_ATTENDANCE.c.meeting_id == meeting_id)
        .order_by(MEETING_ATTENDANCE.c.group_id)
    )
    return [GroupAttendance(r.group_id, r.n, r.name or r.kind) for r in rows]


def outcome(conn: Connection, meeting_id: int) -> MeetingOutcome | None:
    """A meeting's recorded outcome, published or not; None when none is recorded."""
    row = conn.execute(
        select(MEETING_OUTCOME).where(MEETING_OUTCOME.c.meeting_id == meeting_id)
    ).first()
    if row is None:
        return None
    return MeetingOutcome(
        meeting_id,
        row.summary,
        row.attended,
        checked_in(conn, meeting_id),
        row.recorded_by,
        row.recorded_at,
        row.published_at,
        tuple(decisions(conn, meeting_id)),
        tuple(by_group(conn, meeting_id)),
    )


def published(conn: Connection, meeting_id: int) -> MeetingOutcome | None:
    """The outcome residents may read: a published one."""
    found = outcome(conn, meeting_id)
    return found if found is not None and found.published_at is not None else None
