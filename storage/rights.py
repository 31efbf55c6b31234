"""A resident's rights over their data: everything tied to them, exported or erased in one place.

`HOLDERS` lists every place a resident's data lives, each with its section of "my data" and its
erasure; a table added later joins by adding one `Holder` (a test fails until every table that
references a resident is covered). Erasure keeps what the law or the common good needs: reports
stay without their author, signatures on filed petitions stay as the filing requires, no longer
tied to an account (their keyed CIN hash is what stops a second signature after
re-registering), and what an organizer made stays for those who use it; from all of it the
resident's identifiers (phone numbers, CINs, chat id, the names they signed with) are redacted.
Then `COPIES` rewrites the redacted words wherever they were copied, and `TEXTS` says, for every
column of text in the schema, what erasure does with it (a test fails for a column not listed).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Column, ColumnElement, Connection, String, Table, select

from conversations.personal import (
    COMMITMENTS,
    CONSENTS,
    CONSULTATION_ANSWERS,
    CONVERSATION,
    DOWNLOADS,
    FIXED_CHECKS,
    GROUPS,
    NOTICES,
    ORGANIZED,
    ORGANIZER,
    PETITION_SUPPORTS,
    PROFILE,
    QUESTIONS,
    REPORTS,
    RSVPS,
    SIGNATURES,
    SUPPORTS,
    PersonalData,
)
from storage import announcements, kept
from storage import models as m
from storage import personal_rows as plain
from storage.downloads import downloads, erase_downloads
from storage.erasure import Copy, Erasure, holding, rewrite
from storage.organized import erase_organized, organized
from storage.personal_rows import Rows
from storage.question_rows import asked, erase_asked
from storage.subject import Subject
from storage.vault import Vault


@dataclass(frozen=True, slots=True)
class Holder:
    """One section of a resident's data: the tables it covers, its export and its erasure."""

    section: str
    tables: tuple[Table, ...]
    export: Callable[[Connection, Subject, Vault], Rows]
    erase: Callable[[Connection, Erasure], None]


def _erase_downloads(conn: Connection, erasure: Erasure) -> None:
    erase_downloads(conn, erasure.who, erasure.now)


# In erasure order: the profile last, when nothing refers to it any more.
HOLDERS: tuple[Holder, ...] = (
    Holder(REPORTS, (m.REPORT, m.REPORT_MEDIA), kept.reports, kept.erase_reports),
    Holder(SIGNATURES, (m.SIGNATURE,), kept.signatures, kept.erase_signatures),
    Holder(SUPPORTS, (m.REPORT_SUPPORT,), plain.supports, plain.erase_supports),
    Holder(FIXED_CHECKS, (m.FIXED_CHECK,), plain.fixed_checks, plain.erase_fixed_checks),
    Holder(
        COMMITMENTS,
        (m.COMMITMENT_FOLLOWER,),
        plain.commitments_followed,
        plain.erase_commitments_followed,
    ),
    Holder(
        PETITION_SUPPORTS,
        (m.PETITION_SUPPORT,),
        plain.petition_supports,
        plain.erase_petition_supports,
    ),
    Holder(CONSENTS, (m.CONSENT,), plain.consents, plain.erase_consents),
    Holder(
        CONSULTATION_ANSWERS,
        (m.ANSWER_SET, m.ANSWER),
        plain.consultation_answers,
        plain.erase_consultation_answers,
    ),
    Holder(QUESTIONS, (m.QUESTION, m.QUESTION_MESSAGE), asked, erase_asked),
    Holder(NOTICES, (m.DELIVERY,), plain.notices, plain.erase_notices),
    Holder(
        ORGANIZED,
        (
            m.PETITION,
            m.PETITION_EVENT,
            m.REPORT_EVENT,
            m.MEETING,
            m.MEETING_OUTCOME,
            m.MEETING_DECISION,
            m.ANNOUNCEMENT,
            m.COMMUNITY_GROUP,
            m.COMMITMENT,
            m.COMMITMENT_EVENT,
        ),
        organized,
        erase_organized,
    ),
    Holder(GROUPS, (m.MEMBERSHIP,), plain.memberships, plain.erase_memberships),
    Holder(RSVPS, (m.RSVP,), plain.rsvps, plain.erase_rsvps),
    Holder(
        ORGANIZER,
        (m.ORGANIZER, m.ORGANIZER_INVITE, m.AUDIT_ENTRY, m.SIGN_IN_LINK, m.WEB_SESSION),
        plain.organizer_roles,
        plain.erase_organizer_roles,
    ),
    Holder(CONVERSATION, (m.CONVERSATION,), plain.conversation, plain.erase_conversation),
    # Files waiting to be fetched are copies of the data itself: they go with it.
    Holder(DOWNLOADS, (m.DOWNLOAD,), downloads, _erase_downloads),
    Holder(PROFILE, (m.RESIDENT,), plain.profile, plain.erase_profile),
)


def _notices(
    conn: Connection, erasure: Erasure, _column: Column[str]
) -> ColumnElement[bool] | None:
    """The notices recorded as repeating redacted words, and those of every announcement that
    still repeats them (a meeting's): a delivery's body is its announcement's, copied."""
    keys = set(erasure.notices)
    repeating = erasure.holding(m.ANNOUNCEMENT.c.body)
    if repeating is not None:
        found = conn.execute(select(m.ANNOUNCEMENT.c.id).where(repeating)).scalars()
        keys.update(announcements.key(announcement_id) for announcement_id in found)
    return m.DELIVERY.c.message_key.in_(sorted(keys)) if keys else None


# Where the words the holders redacted may have been copied, in rewriting order: the
# deliveries first, found by their announcements before these are rewritten.
COPIES: tuple[Copy, ...] = (
    Copy(m.DELIVERY.c.body, _notices, shared=True),
    Copy(m.ANNOUNCEMENT.c.body, holding),
    # Questions rendered for other residents: a report's details to a supporter, a petition
    # to a reader, a group in a list.
    Copy(m.CONVERSATION.c.data, holding),
    Copy(m.CONVERSATION.c.offered, holding),
    Copy(m.CONVERSATION.c.prompt, holding),
)


class Words(StrEnum):
    """What a column of text holds, as far as erasure is concerned."""

    NONE = "nobody's words: a code, a status, a reference, a key, a platform's error"
    GONE = "deleted with the resident's rows"
    REDACTED = "kept, the resident's identifiers redacted"
    DERIVED = "computed from a redacted column, computed again"
    COPIED = "a copy of words kept elsewhere, rewritten by COPIES"
    ACTOR = "who acted, replaced by 'erased'"
    FILED = "kept as a filed petition requires"


_GONE = (
    *m.RESIDENT.c,
    *m.CONSENT.c,
    *m.DOWNLOAD.c,
    *m.ORGANIZER.c,
    # An organizer's dashboard links and sessions, deleted with their resident row.
    *m.SIGN_IN_LINK.c,
    *m.WEB_SESSION.c,
    m.RSVP.c.answer,
    # A door code goes with its RSVP.
    m.RSVP.c.code,
    m.REPORT_MEDIA.c.ref,
    m.REPORT_MEDIA.c.hidden_reason,
    m.DELIVERY.c.last_error,
    # A keyed hash of a recent writer's address: forgotten at erasure, deleted once idle (as
    # other buckets are taken, and after a day by the hourly housekeeping).
    m.FLOOD_BUCKET.c.key,
    # A voice is a person: dropped even from an anonymous consultation.
    m.ANSWER.c.voice,
    # A question and its messages go with the resident who asked it.
    m.QUESTION.c.text,
    m.QUESTION.c.media_ref,
    m.QUESTION_MESSAGE.c.media_ref,
)
_REDACTED = (
    m.REPORT.c.other_label,
    m.REPORT.c.place,
    m.REPORT.c.description,
    # Deleted with a named consultation's answers; an anonymous one's stay, redacted.
    m.ANSWER.c.text,
    m.REPORT.c.hidden_reason,
    m.REPORT_EVENT.c.note,
    m.PETITION.c.title,
    m.PETITION.c.summary,
    m.PETITION.c.body,
    m.PETITION.c.requests,
    m.PETITION.c.representative,
    m.PETITION.c.decision_note,
    m.PETITION_EVENT.c.note,
    m.MEETING.c.title,
    # The name of who asks: an association's, a commune's (an organizer's words).
    m.CONSULTATION.c.asked_by,
    m.MEETING.c.agenda,
    m.MEETING.c.place,
    # A meeting's outcome and decisions: an organizer's words.
    m.MEETING_OUTCOME.c.summary,
    m.MEETING_DECISION.c.text,
    m.MEETING_DECISION.c.responsible,
    m.COMMUNITY_GROUP.c.name,
    m.AUDIT_ENTRY.c.target,
    m.ANNOUNCEMENT.c.body,
    # An organizer's words: what the commune committed to, who made it, a change's note.
    m.COMMITMENT.c.text,
    m.COMMITMENT.c.made_by,
    m.COMMITMENT_EVENT.c.note,
    # A photo still on the organizer's channel: dropped.
    m.ANNOUNCEMENT.c.photo_ref,
    # An organizer's answers to others' questions, and the answers they saved: kept for those.
    m.QUESTION_MESSAGE.c.text,
    m.CANNED_ANSWER.c.text,
)
_ACTORS = (
    m.REPORT_EVENT.c.actor,
    m.PETITION.c.created_by,
    m.PETITION_EVENT.c.actor,
    m.MEETING.c.created_by,
    m.ANNOUNCEMENT.c.created_by,
    m.COMMUNITY_GROUP.c.created_by,
    m.ORGANIZER_INVITE.c.created_by,
    m.AUDIT_ENTRY.c.actor,
    m.SIGNATURE.c.entered_by,
    m.PETITION_CHECK.c.ticked_by,
    m.CONSULTATION.c.created_by,
    m.CANNED_ANSWER.c.created_by,
    m.MEETING_OUTCOME.c.recorded_by,
    m.COMMITMENT.c.created_by,
    m.COMMITMENT_EVENT.c.actor,
)


# Columns of text that hold nobody's words, beside whole tables of them.
_NOBODYS = (
    m.CONVERSATION.c.flow,
    m.CONVERSATION.c.step,
    *m.INBOX.c,
    m.DELIVERY.c.message_key,
    m.DELIVERY.c.channel,
    m.DELIVERY.c.status,
    m.DELIVERY.c.provider_ref,
    m.DELIVERY.c.error_code,
    # Organizers' photos, by their platform's or upload's file name; residents' voice notes by a
    # name made from their message's hash (the bytes go with what they answered).
    m.MEDIA.c.content_type,
    m.MEDIA.c.filename,
    m.MEDIA.c.sha256,
    m.REPORT.c.ref,
    m.REPORT.c.commune_code,
    m.REPORT.c.category,
    m.REPORT.c.status,
    m.REPORT_MEDIA.c.kind,
    m.REPORT_MEDIA.c.content_type,
    # Which answer a file is ("place"): no one's words.
    m.REPORT_MEDIA.c.part,
    m.REPORT_EVENT.c.status,
    m.REPORT_EVENT.c.hidden,
    # A paper signature's source and sheet number: no one's words.
    m.SIGNATURE.c.source,
    m.SIGNATURE.c.sheet,
    m.PETITION.c.code,
    # The commune's receipt number of a filing: its reference, no one's words.
    m.PETITION.c.receipt,
    m.PETITION.c.commune_code,
    m.PETITION.c.status,
    m.PETITION.c.category,
    m.PETITION.c.kind,
    m.CONSULTATION.c.commune_code,
    m.CONSULTATION.c.status,
    m.CONSULTATION_QUESTION.c.kind,
    m.ANSWER_SET.c.commune_code,
    m.PETITION_CHECK.c.item,
    m.PETITION_EVENT.c.status,
    *m.PETITION_FLAG.c,
    m.COMMUNITY_GROUP.c.commune_code,
    m.COMMUNITY_GROUP.c.kind,
    m.ORGANIZER_INVITE.c.code,
    m.ORGANIZER_INVITE.c.commune_code,
    m.AUDIT_ENTRY.c.action,
    m.MEETING.c.commune_code,
    m.MEETING.c.status,
    m.MEETING.c.reminders,
    m.ANNOUNCEMENT.c.kind,
    m.ANNOUNCEMENT.c.commune_code,
    m.ANNOUNCEMENT.c.group_ids,
    m.ANNOUNCEMENT.c.status,
    m.ANNOUNCEMENT.c.photo_channel,
    m.QUESTION.c.commune_code,
    m.QUESTION.c.status,
    m.QUESTION_MESSAGE.c.author,
    m.QUESTION_MESSAGE.c.language,
    m.CANNED_ANSWER.c.commune_code,
    # A platform's name (telegram, whatsapp) for its shared pace.
    m.PACE.c.name,
    m.COMMITMENT.c.commune_code,
    m.COMMITMENT.c.status,
    m.COMMITMENT.c.source_kind,
    # A petition's code or a meeting's number.
    m.COMMITMENT.c.source_ref,
    m.COMMITMENT_EVENT.c.status,
    m.COMMITMENT_REVIEW.c.commune_code,
    # The key's fingerprint: the deployment's, no one's words.
    m.DATABASE_KEY.c.fingerprint,
    # Voice prompts are the association's recordings of Hayna's own questions; who made one is
    # in the audit log. A reference waits minutes for its fetch, then goes.
    m.PROMPT.c.key,
    m.PROMPT.c.language,
    m.PROMPT.c.content_type,
    m.PROMPT.c.channel,
    m.PROMPT.c.ref,
)


def _texts() -> dict[Column[Any], Words]:
    listed: dict[Column[Any], Words] = {}
    for words, columns in (
        (Words.GONE, _GONE),
        (Words.REDACTED, _REDACTED),
        (Words.DERIVED, (m.REPORT.c.place_key,)),
        (Words.COPIED, tuple(copy.column for copy in COPIES if copy.column not in _REDACTED)),
        (Words.ACTOR, _ACTORS),
        (
            Words.FILED,
            (
                m.SIGNATURE.c.full_name,
                m.SIGNATURE.c.cin_sealed,
                m.SIGNATURE.c.cin_key,
                m.SIGNATURE.c.residence,
            ),
        ),
    ):
        listed.update(dict.fromkeys(columns, words))
    for column in _NOBODYS:
        listed.setdefault(column, Words.NONE)
    return {column: words for column, words in listed.items() if isinstance(column.type, String)}


# Every column of text in the schema, and what erasure does with it.
TEXTS: dict[Column[Any], Words] = _texts()


def export(conn: Connection, who: Subject, vault: Vault) -> PersonalData:
    """Everything stored about ``who``, the profile first."""
    sections = {holder.section: tuple(holder.export(conn, who, vault)) for holder in HOLDERS}
    ordered = sorted(sections.items(), key=lambda item: item[0] != PROFILE)
    return PersonalData(tuple(ordered))


def erase(conn: Connection, who: Subject, now: datetime) -> None:
    """Remove ``who``'s personal data from every table, in the caller's transaction."""
    erasure = Erasure.of(conn, who, now)
    for holder in HOLDERS:
        holder.erase(conn, erasure)
    rewrite(conn, erasure, COPIES)


def agree(
    conn: Connection, resident_id: int, kind: str, version: str, channel: str, now: datetime
) -> None:
    """One line in the consent ledger."""
    conn.execute(
        m.CONSENT.insert().values(
            resident_id=resident_id, kind=kind, version=version, channel=channel, accepted_at=now
        )
    )
