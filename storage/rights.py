"""A resident's rights over their data: everything tied to them, exported or erased in one place.

`HOLDERS` lists every place a resident's data lives, each with its section of "my data" and its
erasure; a table added later joins by adding one `Holder` (a test fails until every table that
references a resident is covered). Erasure keeps what the law or the common good needs: reports
stay without their author (phone numbers, CINs and the author's names typed in them redacted),
and signatures on filed petitions stay as the filing requires, no longer tied to an account;
their keyed CIN hash is what stops a second signature after re-registering.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from cryptography.fernet import InvalidToken
from sqlalchemy import Connection, Table, delete, select, update

from conversations.cin import masked
from conversations.personal import (
    CONSENTS,
    CONVERSATION,
    DOWNLOADS,
    GROUPS,
    NOTICES,
    ORGANIZED,
    ORGANIZER,
    PROFILE,
    REPORTS,
    RSVPS,
    SIGNATURES,
    SUPPORTS,
    PersonalData,
)
from conversations.petition import Life
from conversations.redaction import redact_identifiers
from storage import models as m
from storage import personal_rows as plain
from storage.downloads import downloads, erase_downloads
from storage.personal_rows import Rows, Subject, when
from storage.vault import Vault

# Once filed, the commune holds the signatures: they stay with the petition.
FILED = frozenset({Life.FILED, Life.ACCEPTED, Life.REJECTED, Life.ANSWERED})


@dataclass(frozen=True, slots=True)
class Holder:
    """One section of a resident's data: the tables it covers, its export and its erasure."""

    section: str
    tables: tuple[Table, ...]
    export: Callable[[Connection, Subject, Vault], Rows]
    erase: Callable[[Connection, Subject, datetime], None]


def _reports(conn: Connection, who: Subject, _vault: Vault) -> Rows:
    rows = conn.execute(
        select(m.REPORT).where(m.REPORT.c.resident_id == who.resident_id).order_by(m.REPORT.c.id)
    ).all()
    shown = []
    for r in rows:
        media = conn.execute(
            select(m.REPORT_MEDIA.c.kind, m.REPORT_MEDIA.c.ref).where(
                m.REPORT_MEDIA.c.report_id == r.id
            )
        )
        shown.append(
            {
                "ref": r.ref,
                "status": r.status,
                "category": r.category,
                "other_label": r.other_label,
                "place": r.place,
                "lat": r.lat,
                "lon": r.lon,
                "description": r.description,
                "created_at": when(r.created_at),
                "media": [{"kind": kind, "ref": ref} for kind, ref in media],
            }
        )
    return shown


def _erase_reports(conn: Connection, who: Subject, _now: datetime) -> None:
    mine = select(m.REPORT.c.id).where(m.REPORT.c.resident_id == who.resident_id)
    # A photo's or voice note's reference can lead back to the sender's account: it goes.
    conn.execute(delete(m.REPORT_MEDIA).where(m.REPORT_MEDIA.c.report_id.in_(mine)))
    # The need stays; a number, a CIN or the author's own name typed into it does not.
    names = conn.execute(
        select(m.SIGNATURE.c.full_name).where(m.SIGNATURE.c.resident_id == who.resident_id)
    ).scalars()
    known = (*names, who.address.user)
    rows = conn.execute(
        select(
            m.REPORT.c.id, m.REPORT.c.description, m.REPORT.c.place, m.REPORT.c.other_label
        ).where(m.REPORT.c.resident_id == who.resident_id)
    ).all()
    for report_id, *texts in rows:
        description, place, label = (
            redact_identifiers(text, known) if text else text for text in texts
        )
        conn.execute(
            update(m.REPORT)
            .where(m.REPORT.c.id == report_id)
            .values(resident_id=None, description=description, place=place, other_label=label)
        )


def _signatures(conn: Connection, who: Subject, vault: Vault) -> Rows:
    rows = conn.execute(
        select(m.SIGNATURE, m.PETITION.c.code, m.PETITION.c.title, m.PETITION.c.status)
        .join(m.PETITION, m.PETITION.c.id == m.SIGNATURE.c.petition_id)
        .where(m.SIGNATURE.c.resident_id == who.resident_id)
        .order_by(m.SIGNATURE.c.id)
    )
    return [
        {
            "petition": r.code,
            "title": r.title,
            "status": r.status,
            "filed": Life(r.status) in FILED,
            "full_name": r.full_name,
            "cin": _masked(vault, r.cin_sealed),
            "signed_at": when(r.created_at),
        }
        for r in rows
    ]


def _masked(vault: Vault, sealed: str) -> str:
    try:
        return masked(vault.open(sealed))
    except InvalidToken:  # sealed under another HAYNA_SECRET_KEY: shown as unreadable, not a crash
        return "?"


def _erase_signatures(conn: Connection, who: Subject, now: datetime) -> None:
    rows = conn.execute(
        select(m.SIGNATURE.c.id, m.SIGNATURE.c.petition_id, m.PETITION.c.status)
        .join(m.PETITION, m.PETITION.c.id == m.SIGNATURE.c.petition_id)
        .where(m.SIGNATURE.c.resident_id == who.resident_id)
    ).all()
    for signature_id, petition_id, status in rows:
        if Life(status) in FILED:
            # Kept as filed, with the name and the sealed CIN, but no longer tied to an account.
            conn.execute(
                update(m.SIGNATURE).where(m.SIGNATURE.c.id == signature_id).values(resident_id=None)
            )
            continue
        # Withdrawn under the petition's lock, as storage.petitions does, so the count stays true.
        conn.execute(
            select(m.PETITION.c.id).where(m.PETITION.c.id == petition_id).with_for_update()
        )
        conn.execute(delete(m.SIGNATURE).where(m.SIGNATURE.c.id == signature_id))
        conn.execute(
            update(m.PETITION)
            .where(m.PETITION.c.id == petition_id)
            .values(signatures=m.PETITION.c.signatures - 1, updated_at=now)
        )


# In erasure order: the profile last, when nothing refers to it any more.
HOLDERS: tuple[Holder, ...] = (
    # Reports first: their erasure reads the names the resident signed with.
    Holder(REPORTS, (m.REPORT, m.REPORT_MEDIA), _reports, _erase_reports),
    Holder(SIGNATURES, (m.SIGNATURE,), _signatures, _erase_signatures),
    Holder(SUPPORTS, (m.REPORT_SUPPORT,), plain.supports, plain.erase_supports),
    Holder(CONSENTS, (m.CONSENT,), plain.consents, plain.erase_consents),
    Holder(NOTICES, (m.DELIVERY,), plain.notices, plain.erase_notices),
    Holder(
        ORGANIZED,
        (m.PETITION, m.PETITION_EVENT, m.REPORT_EVENT),
        plain.organized,
        plain.erase_organized,
    ),
    Holder(GROUPS, (m.MEMBERSHIP,), plain.memberships, plain.erase_memberships),
    Holder(RSVPS, (m.RSVP,), plain.rsvps, plain.erase_rsvps),
    Holder(
        ORGANIZER,
        (m.ORGANIZER, m.ORGANIZER_INVITE, m.AUDIT_ENTRY),
        plain.organizer_roles,
        plain.erase_organizer_roles,
    ),
    Holder(CONVERSATION, (m.CONVERSATION,), plain.conversation, plain.erase_conversation),
    # Files waiting to be fetched are copies of the data itself: they go with it.
    Holder(DOWNLOADS, (m.DOWNLOAD,), downloads, erase_downloads),
    Holder(PROFILE, (m.RESIDENT,), plain.profile, plain.erase_profile),
)


def export(conn: Connection, who: Subject, vault: Vault) -> PersonalData:
    """Everything stored about ``who``, the profile first."""
    sections = {holder.section: tuple(holder.export(conn, who, vault)) for holder in HOLDERS}
    ordered = sorted(sections.items(), key=lambda item: item[0] != PROFILE)
    return PersonalData(tuple(ordered))


def erase(conn: Connection, who: Subject, now: datetime) -> None:
    """Remove ``who``'s personal data from every table, in the caller's transaction."""
    for holder in HOLDERS:
        holder.erase(conn, who, now)


def agree(
    conn: Connection, resident_id: int, kind: str, version: str, channel: str, now: datetime
) -> None:
    """One line in the consent ledger."""
    conn.execute(
        m.CONSENT.insert().values(
            resident_id=resident_id, kind=kind, version=version, channel=channel, accepted_at=now
        )
    )
