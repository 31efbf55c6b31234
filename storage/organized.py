"""What an organizer made, and what erasing them leaves of it.

Petitions they drafted, meetings, updates and groups stay (others signed, attend, follow or
received them), credited to `ERASED_ACTOR`, with the organizer's identifiers (phone numbers,
CINs, chat id, the names they signed with) redacted from their texts; so are the notes they
wrote on others' reports and petitions. The notices that repeat those texts are rewritten by
the copies of `storage/rights.py`.
"""

from __future__ import annotations

from sqlalchemy import Connection, select, update

from conversations.personal import MyPetition
from storage import announcements, petitions, reports
from storage.answer_clock import LAPSE, REMINDER, clock_key
from storage.erasure import Erasure
from storage.groups import NAME_MAX
from storage.models import (
    ANNOUNCEMENT,
    COMMITMENT,
    COMMITMENT_EVENT,
    COMMUNITY_GROUP,
    CONSULTATION,
    MEETING,
    MEETING_DECISION,
    MEETING_OUTCOME,
    PETITION,
    PETITION_CHECK,
    PETITION_EVENT,
    REPORT_EVENT,
    SIGNATURE,
)
from storage.personal_rows import ERASED_ACTOR, Rows
from storage.subject import Subject
from storage.vault import Vault

_PETITION_TEXTS = (
    PETITION.c.title,
    PETITION.c.summary,
    PETITION.c.body,
    PETITION.c.requests,
    PETITION.c.representative,
    PETITION.c.decision_note,
)
_MEETING_TEXTS = (MEETING.c.title, MEETING.c.agenda, MEETING.c.place)


def organized(conn: Connection, who: Subject, _vault: Vault) -> Rows:
    rows = conn.execute(
        select(PETITION.c.code, PETITION.c.title).where(PETITION.c.created_by == who.actor)
    )
    return [MyPetition(code, title) for code, title in rows]


def erase_organized(conn: Connection, erasure: Erasure) -> None:
    _petitions(conn, erasure)
    _notes(conn, erasure)
    # The paper lines they entered stay counted; who entered them no longer says.
    who = (erasure.who.actor, erasure.who.organizer)
    conn.execute(
        update(SIGNATURE).where(SIGNATURE.c.entered_by.in_(who)).values(entered_by=ERASED_ACTOR)
    )
    # The items they ticked stay ticked; who ticked them no longer says.
    conn.execute(
        update(PETITION_CHECK)
        .where(PETITION_CHECK.c.ticked_by.in_(who))
        .values(ticked_by=ERASED_ACTOR)
    )
    _meetings(conn, erasure)
    _outcomes(conn, erasure)
    _updates(conn, erasure)
    _consultations(conn, erasure)
    _commitments(conn, erasure)
    _groups(conn, erasure)


def _petitions(conn: Connection, erasure: Erasure) -> None:
    drafted = conn.execute(
        select(PETITION.c.id, *_PETITION_TEXTS).where(PETITION.c.created_by == erasure.who.actor)
    ).all()
    for petition_id, *texts in drafted:
        values = {
            column.name: erasure.redact(column, text)
            for column, text in zip(_PETITION_TEXTS, texts, strict=True)
        }
        conn.execute(
            update(PETITION)
            .where(PETITION.c.id == petition_id)
            .values(**values, created_by=ERASED_ACTOR)
        )
        # Every notice of its life names its title.
        events = select(PETITION_EVENT.c.id).where(PETITION_EVENT.c.petition_id == petition_id)
        erasure.notices.update(petitions.notice_key(i) for i in conn.execute(events).scalars())
        # And so do the answer clock's reminder and end notice.
        erasure.notices.update(clock_key(petition_id, kind) for kind in (REMINDER, LAPSE))


def _notes(conn: Connection, erasure: Erasure) -> None:
    """The notes the organizer wrote on any report's or petition's history; the moves stay."""
    decisions: dict[str, str] = {}
    for table, notice_key in (
        (REPORT_EVENT, reports.notice_key),
        (PETITION_EVENT, petitions.notice_key),
    ):
        mine = table.c.actor == erasure.who.actor
        for event_id, note in conn.execute(select(table.c.id, table.c.note).where(mine)).all():
            redacted = erasure.redact(table.c.note, note)
            if redacted != note:
                conn.execute(update(table).where(table.c.id == event_id).values(note=redacted))
                erasure.notices.add(notice_key(event_id))
                if table is PETITION_EVENT:
                    decisions[note] = redacted or ""
        conn.execute(update(table).where(mine).values(actor=ERASED_ACTOR))
    # A petition keeps the note of its last move as its decision: redacted alike.
    for note, redacted in decisions.items():
        conn.execute(
            update(PETITION).where(PETITION.c.decision_note == note).values(decision_note=redacted)
        )


def _meetings(conn: Connection, erasure: Erasure) -> None:
    # Their announcements and reminders repeat the texts: copies, rewritten afterwards.
    mine = MEETING.c.created_by == erasure.who.organizer
    for meeting_id, *texts in conn.execute(select(MEETING.c.id, *_MEETING_TEXTS).where(mine)).all():
        values = {
            column.name: erasure.redact(column, text)
            for column, text in zip(_MEETING_TEXTS, texts, strict=True)
        }
        conn.execute(update(MEETING).where(MEETING.c.id == meeting_id).values(**values))
    conn.execute(update(MEETING).where(mine).values(created_by=ERASED_ACTOR))


def _outcomes(conn: Connection, erasure: Erasure) -> None:
    """The outcomes they recorded stay, with their decisions (a commune's commitments), their
    identifiers redacted; who recorded them no longer says."""
    mine = MEETING_OUTCOME.c.recorded_by == erasure.who.organizer
    recorded = conn.execute(
        select(MEETING_OUTCOME.c.meeting_id, MEETING_OUTCOME.c.summary).where(mine)
    )
    for meeting_id, summary in recorded.all():
        redacted = erasure.redact(MEETING_OUTCOME.c.summary, summary) or ""
        conn.execute(
            update(MEETING_OUTCOME)
            .where(MEETING_OUTCOME.c.meeting_id == meeting_id)
            .values(summary=redacted)
        )
        decided = select(MEETING_DECISION).where(MEETING_DECISION.c.meeting_id == meeting_id)
        for d in conn.execute(decided).all():
            conn.execute(
                update(MEETING_DECISION)
                .where(
                    MEETING_DECISION.c.meeting_id == meeting_id,
                    MEETING_DECISION.c.position == d.position,
                )
                .values(
                    text=erasure.redact(MEETING_DECISION.c.text, d.text) or "",
                    responsible=erasure.redact(MEETING_DECISION.c.responsible, d.responsible),
                )
            )
    conn.execute(update(MEETING_OUTCOME).where(mine).values(recorded_by=ERASED_ACTOR))


def _consultations(conn: Connection, erasure: Erasure) -> None:
    """The consultations they made stay, with their answers; who made them no longer says,
    and the name of who asks loses their identifiers."""
    mine = CONSULTATION.c.created_by == erasure.who.organizer
    made = conn.execute(select(CONSULTATION.c.id, CONSULTATION.c.asked_by).where(mine)).all()
    for consultation_id, asked_by in made:
        conn.execute(
            update(CONSULTATION)
            .where(CONSULTATION.c.id == consultation_id)
            .values(asked_by=erasure.redact(CONSULTATION.c.asked_by, asked_by))
        )
    conn.execute(update(CONSULTATION).where(mine).values(created_by=ERASED_ACTOR))


def _commitments(conn: Connection, erasure: Erasure) -> None:
    """The commitments they recorded stay, the commune's, and so do the changes they made;
    their words lose their identifiers, and who acted no longer says."""
    mine = COMMITMENT.c.created_by == erasure.who.organizer
    made = conn.execute(
        select(COMMITMENT.c.id, COMMITMENT.c.text, COMMITMENT.c.made_by).where(mine)
    )
    for commitment_id, text, made_by in made.all():
        conn.execute(
            update(COMMITMENT)
            .where(COMMITMENT.c.id == commitment_id)
            .values(
                text=erasure.redact(COMMITMENT.c.text, text),
                made_by=erasure.redact(COMMITMENT.c.made_by, made_by),
                created_by=ERASED_ACTOR,
            )
        )
    changed = COMMITMENT_EVENT.c.actor == erasure.who.organizer
    notes = conn.execute(select(COMMITMENT_EVENT.c.id, COMMITMENT_EVENT.c.note).where(changed))
    for event_id, note in notes.all():
        conn.execute(
            update(COMMITMENT_EVENT)
            .where(COMMITMENT_EVENT.c.id == event_id)
            .values(note=erasure.redact(COMMITMENT_EVENT.c.note, note), actor=ERASED_ACTOR)
        )


def _updates(conn: Connection, erasure: Erasure) -> None:
    mine = ANNOUNCEMENT.c.created_by == erasure.who.organizer
    written = conn.execute(select(ANNOUNCEMENT.c.id, ANNOUNCEMENT.c.body).where(mine)).all()
    for update_id, body in written:
        conn.execute(
            update(ANNOUNCEMENT)
            .where(ANNOUNCEMENT.c.id == update_id)
            # A photo still on the organizer's channel is a reference to their account: the
            # update goes without it.
            .values(body=erasure.redact_document(ANNOUNCEMENT.c.body, body), photo_ref=None)
        )
        erasure.notices.add(announcements.key(update_id))
    conn.execute(update(ANNOUNCEMENT).where(mine).values(created_by=ERASED_ACTOR))


def _groups(conn: Connection, erasure: Erasure) -> None:
    mine = COMMUNITY_GROUP.c.created_by == erasure.who.organizer
    for group in conn.execute(select(COMMUNITY_GROUP).where(mine)).all():
        name = erasure.redact(COMMUNITY_GROUP.c.name, group.name) or ""
        # A commune has one group of a kind by a name: a redacted name may be taken already.
        taken = conn.execute(
            select(COMMUNITY_GROUP.c.id).where(
                COMMUNITY_GROUP.c.commune_code == group.commune_code,
                COMMUNITY_GROUP.c.kind == group.kind,
                COMMUNITY_GROUP.c.name == name,
                COMMUNITY_GROUP.c.id != group.id,
            )
        ).first()
        if taken is not None:
            suffix = f" ({group.id})"
            name = name[: NAME_MAX - len(suffix)] + suffix
            erasure.words[group.name] = name
        conn.execute(
            update(COMMUNITY_GROUP)
            .where(COMMUNITY_GROUP.c.id == group.id)
            .values(name=name, created_by=ERASED_ACTOR)
        )
