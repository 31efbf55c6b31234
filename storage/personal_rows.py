"""The rows that hold a resident's data in the plain tables, and how each is shown in "my data"
and erased; `storage/rights.py` puts them in its registry beside the reports, signatures and
what organizers made, whose erasure keeps what the law or others need."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, select, update

from conversations.consultation import in_language
from conversations.personal import (
    KeptAnswers,
    MyAccount,
    MyAction,
    MyAnswer,
    MyConsent,
    MyConsultation,
    MyConsultationAnswer,
    MyConversation,
    MyFixedCheck,
    MyFollow,
    MyGroup,
    MyInvite,
    MyNotice,
    MyPetitionSupport,
    MyRole,
    MySignIn,
    MySupport,
    Row,
)
from storage import media
from storage import models as m
from storage.conversation_row import kept_answers
from storage.erasure import Erasure
from storage.subject import Subject
from storage.vault import Vault

# Who an organizer's traces (petitions drafted, moves made) are credited to once they are gone.
ERASED_ACTOR = "erased"
# A voice note Hayna keeps, as a conversation's answers name it.


Rows = Sequence[Row]


def when(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def profile(conn: Connection, who: Subject, _vault: Vault) -> Rows:
    row = conn.execute(select(m.RESIDENT).where(m.RESIDENT.c.id == who.resident_id)).one()
    return [
        MyAccount(
            channel=row.channel,
            user=row.user_id,
            language=row.language,
            commune_code=row.commune_code,
            privacy_notice_version=row.consent_version,
            privacy_notice_accepted_at=when(row.consented_at),
            notifications=row.pushes_enabled,
            reachable=row.reachable,
            created_at=when(row.created_at),
        )
    ]


def erase_profile(conn: Connection, erasure: Erasure) -> None:
    conn.execute(delete(m.RESIDENT).where(m.RESIDENT.c.id == erasure.who.resident_id))


def conversation(conn: Connection, who: Subject, _vault: Vault) -> Rows:
    rows = conn.execute(
        select(m.CONVERSATION).where(m.CONVERSATION.c.resident_id == who.resident_id)
    )
    shown: list[Row] = []
    for row in rows:
        # The answers of earlier questions and of a flow left halfway are kept too, for "back"
        # and "continue": they are the resident's as much as the current ones.
        kept = tuple(
            KeptAnswers(name, mark.flow, mark.step, _masked(mark.data))
            for name, mark in kept_answers(row.prompt or "[]")
        )
        shown.append(
            MyConversation(row.flow, row.step, _masked(row.data), when(row.updated_at), kept)
        )
    return shown


def _masked(data: str | None) -> object:
    answers = json.loads(data or "{}")
    if isinstance(answers, dict) and answers.get("sealed_cin"):
        answers["sealed_cin"] = "(encrypted)"
    return answers


def erase_conversation(conn: Connection, erasure: Erasure) -> None:
    # A voice note in an answer not yet sent (a report halfway) goes with the conversation.
    states = select(m.CONVERSATION.c.data).where(
        m.CONVERSATION.c.resident_id == erasure.who.resident_id
    )
    media.drop_voices(conn, media.STORED_REF.findall(" ".join(conn.execute(states).scalars())))
    conn.execute(
        delete(m.CONVERSATION).where(m.CONVERSATION.c.resident_id == erasure.who.resident_id)
    )


def consents(conn: Connection, who: Subject, _vault: Vault) -> Rows:
    rows = conn.execute(
        select(m.CONSENT).where(m.CONSENT.c.resident_id == who.resident_id).order_by(m.CONSENT.c.id)
    )
    return [MyConsent(r.kind, r.version, r.channel, when(r.accepted_at)) for r in rows]


def erase_consents(conn: Connection, erasure: Erasure) -> None:
    conn.execute(delete(m.CONSENT).where(m.CONSENT.c.resident_id == erasure.who.resident_id))


def supports(conn: Connection, who: Subject, _vault: Vault) -> Rows:
    rows = conn.execute(
        select(m.REPORT.c.ref, m.REPORT_SUPPORT.c.created_at)
        .join(m.REPORT, m.REPORT.c.id == m.REPORT_SUPPORT.c.report_id)
        .where(m.REPORT_SUPPORT.c.resident_id == who.resident_id)
    )
    return [MySupport(ref, when(at)) for ref, at in rows]


def erase_supports(conn: Connection, erasure: Erasure) -> None:
    conn.execute(
        delete(m.REPORT_SUPPORT).where(m.REPORT_SUPPORT.c.resident_id == erasure.who.resident_id)
    )


def petition_supports(conn: Connection, who: Subject, _vault: Vault) -> Rows:
    rows = conn.execute(
        select(m.PETITION.c.code, m.PETITION.c.title, m.PETITION_SUPPORT.c.created_at)
        .join(m.PETITION, m.PETITION.c.id == m.PETITION_SUPPORT.c.petition_id)
        .where(m.PETITION_SUPPORT.c.resident_id == who.resident_id)
        .order_by(m.PETITION_SUPPORT.c.created_at)
    )
    return [MyPetitionSupport(code, title, when(at)) for code, title, at in rows]


def erase_petition_supports(conn: Connection, erasure: Erasure) -> None:
    """Supports go, and with them their count: no legal filing keeps them. Each under its
    petition's lock, in the petitions' order, as storage.petitions counts them."""
    supported = select(m.PETITION_SUPPORT.c.petition_id).where(
        m.PETITION_SUPPORT.c.resident_id == erasure.who.resident_id
    )
    for petition_id in sorted(conn.execute(supported).scalars()):
        petition = m.PETITION.c.id == petition_id
        conn.execute(select(m.PETITION.c.id).where(petition).with_for_update())
        conn.execute(
            delete(m.PETITION_SUPPORT).where(
                m.PETITION_SUPPORT.c.petition_id == petition_id,
                m.PETITION_SUPPORT.c.resident_id == erasure.who.resident_id,
            )
        )
        conn.execute(
            update(m.PETITION)
            .where(petition)
            .values(signatures=m.PETITION.c.signatures - 1, updated_at=erasure.now)
        )


def notices(conn: Connection, who: Subject, _vault: Vault) -> Rows:
    rows = conn.execute(select(m.DELIVERY).where(m.DELIVERY.c.resident_id == who.resident_id)).all()
    return [MyNotice(r.message_key, r.status, when(r.created_at)) for r in rows]


def erase_notices(conn: Connection, erasure: Erasure) -> None:
    conn.execute(delete(m.DELIVERY).where(m.DELIVERY.c.resident_id == erasure.who.resident_id))


def memberships(conn: Connection, who: Subject, _vault: Vault) -> Rows:
    rows = conn.execute(
        select(m.COMMUNITY_GROUP, m.MEMBERSHIP.c.created_at.label("since"))
        .join(m.MEMBERSHIP, m.MEMBERSHIP.c.group_id == m.COMMUNITY_GROUP.c.id)
        .where(m.MEMBERSHIP.c.resident_id == who.resident_id)
        .order_by(m.COMMUNITY_GROUP.c.id)
    )
    return [MyGroup(r.commune_code, r.kind, r.name, when(r.since)) for r in rows]


def erase_memberships(conn: Connection, erasure: Erasure) -> None:
    conn.execute(delete(m.MEMBERSHIP).where(m.MEMBERSHIP.c.resident_id == erasure.who.resident_id))


def rsvps(conn: Connection, who: Subject, _vault: Vault) -> Rows:
    rows = conn.execute(
        select(m.MEETING.c.title, m.MEETING.c.starts_at, m.RSVP.c.answer, m.RSVP.c.updated_at)
        .join(m.MEETING, m.MEETING.c.id == m.RSVP.c.meeting_id)
        .where(m.RSVP.c.resident_id == who.resident_id)
        .order_by(m.MEETING.c.starts_at)
    )
    return [MyAnswer(title, when(starts), answer, when(at)) for title, starts, answer, at in rows]


def erase_rsvps(conn: Connection, erasure: Erasure) -> None:
    conn.execute(delete(m.RSVP).where(m.RSVP.c.resident_id == erasure.who.resident_id))


def organizer_roles(conn: Connection, who: Subject, _vault: Vault) -> Rows:
    me = who.resident_id
    roles = conn.execute(select(m.ORGANIZER).where(m.ORGANIZER.c.resident_id == me))
    shown: list[Row] = [
        MyRole("organizer", r.commune_code, r.group_id, when(r.granted_at)) for r in roles
    ]
    invites = conn.execute(select(m.ORGANIZER_INVITE).where(m.ORGANIZER_INVITE.c.redeemed_by == me))
    shown += [MyInvite(r.code, when(r.redeemed_at)) for r in invites]
    audit = conn.execute(
        select(m.AUDIT_ENTRY).where(m.AUDIT_ENTRY.c.resident_id == me).order_by(m.AUDIT_ENTRY.c.id)
    )
    shown += [MyAction(r.action, r.target, r.allowed, when(r.created_at)) for r in audit]
    links = conn.execute(select(m.SIGN_IN_LINK).where(m.SIGN_IN_LINK.c.resident_id == me))
    shown += [MySignIn("link", when(r.created_at), when(r.used_at)) for r in links]
    sessions = conn.execute(select(m.WEB_SESSION).where(m.WEB_SESSION.c.resident_id == me))
    shown += [MySignIn("session", when(r.created_at), when(r.seen_at)) for r in sessions]
    return shown


def erase_organizer_roles(conn: Connection, erasure: Erasure) -> None:
    me = erasure.who.resident_id
    conn.execute(delete(m.ORGANIZER).where(m.ORGANIZER.c.resident_id == me))
    # Signed out everywhere at once, and no link left to sign in with.
    conn.execute(delete(m.WEB_SESSION).where(m.WEB_SESSION.c.resident_id == me))
    conn.execute(delete(m.SIGN_IN_LINK).where(m.SIGN_IN_LINK.c.resident_id == me))
    # The code stays used, so it cannot make a second organizer; it no longer says by whom,
    # nor who made the codes they made.
    conn.execute(
        update(m.ORGANIZER_INVITE)
        .where(m.ORGANIZER_INVITE.c.redeemed_by == me)
        .values(redeemed_by=None)
    )
    conn.execute(
        update(m.ORGANIZER_INVITE)
        .where(m.ORGANIZER_INVITE.c.created_by.in_((erasure.who.actor, erasure.who.organizer)))
        .values(created_by=ERASED_ACTOR)
    )
    # The actions stay on record (what was done, when), no longer tied to anyone; what they
    # typed as a target (an invite code, a group's name) loses their identifiers.
    mine = m.AUDIT_ENTRY.c.resident_id == me
    entries = conn.execute(select(m.AUDIT_ENTRY.c.id, m.AUDIT_ENTRY.c.target).where(mine)).all()
    for entry_id, target in entries:
        redacted = erasure.redact(m.AUDIT_ENTRY.c.target, target)
        if redacted != target:
            conn.execute(
                update(m.AUDIT_ENTRY).where(m.AUDIT_ENTRY.c.id == entry_id).values(target=redacted)
            )
    conn.execute(update(m.AUDIT_ENTRY).where(mine).values(resident_id=None, actor=ERASED_ACTOR))


def consultation_answers(conn: Connection, who: Subject, _vault: Vault) -> Rows:
    sets = conn.execute(
        select(
            m.ANSWER_SET.c.id,
            m.ANSWER_SET.c.consultation_id,
            m.ANSWER_SET.c.updated_at,
            m.CONSULTATION.c.title,
            m.CONSULTATION.c.anonymous,
        )
        .join(m.CONSULTATION, m.CONSULTATION.c.id == m.ANSWER_SET.c.consultation_id)
        .where(m.ANSWER_SET.c.resident_id == who.resident_id)
        .order_by(m.ANSWER_SET.c.id)
    ).all()
    lines = conn.execute(
        select(m.ANSWER, m.CONSULTATION_QUESTION.c.position)
        .join(m.CONSULTATION_QUESTION, m.CONSULTATION_QUESTION.c.id == m.ANSWER.c.question_id)
        .where(m.ANSWER.c.answer_set_id.in_([row.id for row in sets]))
        .order_by(m.CONSULTATION_QUESTION.c.position, m.ANSWER.c.value, m.ANSWER.c.id)
    ).all()
    return [
        MyConsultation(
            row.consultation_id,
            in_language(row.title, None),
            row.anonymous,
            when(row.updated_at),
            _answers([line for line in lines if line.answer_set_id == row.id]),
        )
        for row in sets
    ]


def _answers(lines: Sequence[Any]) -> tuple[MyConsultationAnswer, ...]:
    """One answer per question: its option rows folded into one tuple, in rank order."""
    by_question: dict[int, MyConsultationAnswer] = {}
    for line in lines:
        seen = by_question.get(line.position)
        options = (*seen.options, line.option) if seen and line.option is not None else ()
        if not seen and line.option is not None:
            options = (line.option,)
        by_question[line.position] = MyConsultationAnswer(
            line.position,
            options,
            None if line.option is not None and line.value is not None else line.value,
            line.text,
            line.voice,
            line.skipped,
        )
    return tuple(by_question.values())


def erase_consultation_answers(conn: Connection, erasure: Erasure) -> None:
    """A named consultation's answers go; an anonymous one's stay counted, detached from the
    resident, their voice notes dropped (a voice is a person) and their texts redacted."""
    sets = conn.execute(
        select(m.ANSWER_SET.c.id, m.CONSULTATION.c.anonymous)
        .join(m.CONSULTATION, m.CONSULTATION.c.id == m.ANSWER_SET.c.consultation_id)
        .where(m.ANSWER_SET.c.resident_id == erasure.who.resident_id)
    ).all()
    named = [row.id for row in sets if not row.anonymous]
    kept = [row.id for row in sets if row.anonymous]
    voices = select(m.ANSWER.c.voice).where(m.ANSWER.c.answer_set_id.in_(named + kept))
    media.drop_voices(conn, conn.execute(voices).scalars())
    if named:
        conn.execute(delete(m.ANSWER_SET).where(m.ANSWER_SET.c.id.in_(named)))
    if not kept:
        return
    mine = m.ANSWER.c.answer_set_id.in_(kept)
    conn.execute(update(m.ANSWER).where(mine).values(voice=None))
    texts = conn.execute(
        select(m.ANSWER.c.id, m.ANSWER.c.text).where(mine, m.ANSWER.c.text.is_not(None))
    ).all()
    for answer_id, text in texts:
        redacted = erasure.redact(m.ANSWER.c.text, text)
        if redacted != text:
            conn.execute(update(m.ANSWER).where(m.ANSWER.c.id == answer_id).values(text=redacted))
    conn.execute(update(m.ANSWER_SET).where(m.ANSWER_SET.c.id.in_(kept)).values(resident_id=None))


def fixed_checks(conn: Connection, who: Subject, _vault: Vault) -> Rows:
    rows = conn.execute(
        select(m.REPORT.c.ref, m.FIXED_CHECK.c.asked_at, m.FIXED_CHECK.c.fixed)
        .join(m.REPORT, m.REPORT.c.id == m.FIXED_CHECK.c.report_id)
        .where(m.FIXED_CHECK.c.resident_id == who.resident_id)
        .order_by(m.FIXED_CHECK.c.asked_at)
    )
    return [MyFixedCheck(ref, when(at), fixed) for ref, at, fixed in rows]


def commitments_followed(conn: Connection, who: Subject, _vault: Vault) -> Rows:
    rows = conn.execute(
        select(m.COMMITMENT_FOLLOWER.c.commitment_id, m.COMMITMENT_FOLLOWER.c.created_at)
        .where(m.COMMITMENT_FOLLOWER.c.resident_id == who.resident_id)
        .order_by(m.COMMITMENT_FOLLOWER.c.created_at)
    )
    return [MyFollow(int(made), when(at)) for made, at in rows]


def erase_commitments_followed(conn: Connection, erasure: Erasure) -> None:
    # Their follows go; the commitments stay, the commune's.
    conn.execute(
        delete(m.COMMITMENT_FOLLOWER).where(
            m.COMMITMENT_FOLLOWER.c.resident_id == erasure.who.resident_id
        )
    )


def erase_fixed_checks(conn: Connection, erasure: Erasure) -> None:
    # Their answer goes; the report keeps the change it made, credited to "residents".
    conn.execute(
        delete(m.FIXED_CHECK).where(m.FIXED_CHECK.c.resident_id == erasure.who.resident_id)
    )
