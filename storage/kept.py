"""What erasure keeps of a resident, no longer tied to them: the needs they reported, and their
signatures on petitions filed with the commune; and how "my data" shows both.

A report stays for the commune and its supporters, without its author, its photos' references
or the author's identifiers in its words (nor in the key it is matched by, nor in the notes
organizers wrote on it). A signature on a filed petition stays as the filing requires; on any
other petition it is withdrawn.
"""

from __future__ import annotations

from cryptography.fernet import InvalidToken
from sqlalchemy import Connection, delete, select, update

from conversations.cin import masked
from conversations.personal import MyAttachment, MyReport, MySignature, Row
from conversations.petition import PetitionLife
from conversations.petition_rules import FILED
from conversations.redaction import redact_identifiers
from conversations.report_rules import place_key
from storage import media
from storage import models as m
from storage import reports as report_rows
from storage.erasure import Erasure, fit
from storage.personal_rows import Rows, when
from storage.subject import Subject
from storage.vault import Vault


def reports(conn: Connection, who: Subject, _vault: Vault) -> Rows:
    rows = conn.execute(
        select(m.REPORT).where(m.REPORT.c.resident_id == who.resident_id).order_by(m.REPORT.c.id)
    ).all()
    shown: list[Row] = []
    for r in rows:
        media = conn.execute(
            select(m.REPORT_MEDIA.c.kind, m.REPORT_MEDIA.c.ref).where(
                m.REPORT_MEDIA.c.report_id == r.id
            )
        )
        shown.append(
            MyReport(
                ref=r.ref,
                status=r.status,
                category=r.category,
                other_label=r.other_label,
                place=r.place,
                lat=r.lat,
                lon=r.lon,
                description=r.description,
                created_at=when(r.created_at),
                media=tuple(MyAttachment(kind, ref) for kind, ref in media),
            )
        )
    return shown


def erase_reports(conn: Connection, erasure: Erasure) -> None:
    report = m.REPORT.c
    mine = select(report.id).where(report.resident_id == erasure.who.resident_id)
    # A photo's or voice note's reference can lead back to the sender's account: it goes, and
    # a voice note's bytes with it (a voice is a person).
    theirs = m.REPORT_MEDIA.c.report_id.in_(mine)
    media.drop_voices(conn, conn.execute(select(m.REPORT_MEDIA.c.ref).where(theirs)).scalars())
    conn.execute(delete(m.REPORT_MEDIA).where(theirs))
    # The need stays; a number, a CIN or the author's own name typed into it does not, nor in
    # the key it is matched by, recomputed from the place as it now reads.
    rows = conn.execute(
        select(
            report.id, report.description, report.place, report.other_label, report.hidden_reason
        ).where(report.resident_id == erasure.who.resident_id)
    ).all()
    for report_id, description, place, label, hidden in rows:
        place = erasure.redact(report.place, place)
        conn.execute(
            update(m.REPORT)
            .where(report.id == report_id)
            .values(
                resident_id=None,
                description=erasure.redact(report.description, description),
                place=place,
                place_key=place_key(place) or None if place else None,
                other_label=erasure.redact(report.other_label, label),
                hidden_reason=erasure.redact(report.hidden_reason, hidden),
            )
        )
    # What organizers noted on its history may quote them; the notices of those notes too.
    event = m.REPORT_EVENT.c
    notes = conn.execute(
        select(event.id, event.note).where(
            event.report_id.in_([report_id for report_id, *_ in rows]), event.note.is_not(None)
        )
    ).all()
    for event_id, note in notes:
        redacted = erasure.redact(event.note, note)
        if redacted != note:
            conn.execute(update(m.REPORT_EVENT).where(event.id == event_id).values(note=redacted))
            erasure.notices.add(report_rows.notice_key(event_id))


def signatures(conn: Connection, who: Subject, vault: Vault) -> Rows:
    rows = conn.execute(
        select(m.SIGNATURE, m.PETITION.c.code, m.PETITION.c.title, m.PETITION.c.status)
        .join(m.PETITION, m.PETITION.c.id == m.SIGNATURE.c.petition_id)
        .where(m.SIGNATURE.c.resident_id == who.resident_id)
        .order_by(m.SIGNATURE.c.id)
    )
    return [
        MySignature(
            petition=r.code,
            title=r.title,
            status=r.status,
            filed=PetitionLife(r.status) in FILED,
            full_name=r.full_name,
            cin=_masked(vault, r.cin_sealed),
            signed_at=when(r.created_at),
        )
        for r in rows
    ]


def _masked(vault: Vault, sealed: str) -> str:
    try:
        return masked(vault.open(sealed))
    except InvalidToken:  # sealed under another HAYNA_SECRET_KEY: shown as unreadable, not a crash
        return "?"


def erase_signatures(conn: Connection, erasure: Erasure) -> None:
    rows = conn.execute(
        select(
            m.SIGNATURE.c.id,
            m.SIGNATURE.c.petition_id,
            m.SIGNATURE.c.full_name,
            m.PETITION.c.status,
        )
        .join(m.PETITION, m.PETITION.c.id == m.SIGNATURE.c.petition_id)
        .where(m.SIGNATURE.c.resident_id == erasure.who.resident_id)
    ).all()
    for signature_id, petition_id, full_name, status in rows:
        if PetitionLife(status) in FILED:
            # Kept as filed, with the name and the sealed CIN, but no longer tied to an account;
            # a number typed into the name is no part of it.
            name = fit(m.SIGNATURE.c.full_name, redact_identifiers(full_name))
            conn.execute(
                update(m.SIGNATURE)
                .where(m.SIGNATURE.c.id == signature_id)
                .values(resident_id=None, full_name=name)
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
            .values(signatures=m.PETITION.c.signatures - 1, updated_at=erasure.now)
        )
