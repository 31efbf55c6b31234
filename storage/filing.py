"""A petition and its signatories as files to file with the commune: what the filing shows
(the CINs opened with the deployment's key), a CSV for spreadsheets, and the printable PDF of
storage/petition_pdf.py. `hayna petitions export` and the dashboard's downloads both make their
files here, so they are the same bytes. An association's petition has no signatories: its
filing shows the association, its checklist and the count of residents' supports instead.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import Connection, select

from conversations.petition import PetitionKind
from conversations.petition_desk import AssociationFiling, Filing, FilingKind, Signatory
from storage import association_form, groups, petitions, tally
from storage.cells import BOM, HEADING, safe_cell, signed_when, source_of, timestamp
from storage.gazetteer import Commune, Gazetteer
from storage.models import PETITION
from storage.vault import Vault


def gathered(conn: Connection, code: str, vault: Vault, gazetteer: Gazetteer) -> Filing | None:
    """What the petition's filing shows, its CINs opened; None for a draft, never published.
    Raises `PetitionError` for an unknown petition, and cryptography's `InvalidToken` when the
    key is not the one the CINs were sealed with."""
    petition = petitions.record(conn, code)
    if petition.opened_at is None:
        return None
    association = None
    if petition.text.kind is PetitionKind.ASSOCIATION:
        association = _association(conn, petition)
    signers = tuple(
        Signatory(
            s.full_name, vault.open(s.cin_sealed), s.signed_at, s.on_paper, s.sheet, s.signed_on
        )
        for s in petitions.signatories(conn, code)
    )
    text, where = petition.text, petition.text.commune_code
    commune = gazetteer.get(where) or Commune(where, where, where, "", "", "", "")
    return Filing(
        petition.code,
        text.title,
        text.summary,
        text.body,
        text.requests,
        text.representative,
        commune.name_ar,
        commune.name_fr,
        commune.province_fr,
        text.threshold,
        text.deadline,
        petition.opened_at,
        signers,
        association,
    )


def _association(conn: Connection, petition: petitions.Record) -> AssociationFiling:
    """The association filing ``petition``, its declaration, its checklist and supports."""
    text = petition.text
    # Storage refuses an association's petition without its association or declaration day.
    assert text.association_id is not None and text.declared_on is not None
    group = groups.group(conn, text.association_id)
    counted = select(tally.SIGNATURES).where(PETITION.c.code == petition.code)
    return AssociationFiling(
        group.name if group is not None else "",
        text.declared_on,
        tuple(petitions.checklist(conn, petition.code)),
        int(conn.execute(counted).scalar_one()),
    )


def written(filing: Filing, kind: FilingKind, made_at: datetime) -> bytes:
    """The filing as a file of ``kind``; a PDF is dated ``made_at``."""
    if kind is FilingKind.CSV:
        return to_csv(filing)
    # fpdf takes half a second to import: only a PDF pays for it, not every `hayna` command.
    from storage.petition_pdf import to_pdf

    return to_pdf(filing, made_at)


def to_csv(filing: Filing) -> bytes:
    """The petition's fields, a blank line, then one line per signatory, or for an association's
    petition one line per item of its checklist. UTF-8 with a BOM so that Excel reads the Arabic;
    no text cell that a spreadsheet would run as a formula."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    association = filing.association
    fields = _fields(filing) if association is None else _association_fields(filing, association)
    for label, value in fields:
        writer.writerow((label, safe_cell(value) if isinstance(value, str) else value))
    writer.writerow(())
    writer.writerows(_signatories(filing) if association is None else _checks(association))
    return (BOM + buffer.getvalue()).encode("utf-8")


def _signatories(filing: Filing) -> Iterator[tuple[str | int, ...]]:
    yield HEADING
    for number, signatory in enumerate(filing.signatories, start=1):
        name, cin = safe_cell(signatory.full_name), safe_cell(signatory.cin)
        yield number, name, cin, signed_when(signatory), source_of(signatory)


def _checks(association: AssociationFiling) -> Iterator[tuple[str | int, ...]]:
    yield association_form.CHECK_HEADING
    for number, check in enumerate(association.checks, start=1):
        by, when = association_form.ticked_words(check)
        french, arabic = association_form.check_words(check)
        yield number, check.item, french, arabic, safe_cell(by), when


def _association_fields(
    filing: Filing, association: AssociationFiling
) -> tuple[tuple[str, str | int], ...]:
    """The association and its representative, the day its declaration was received, and the
    supports counted; no threshold, which an association's petition has not."""
    return (
        *_texts(filing),
        (association_form.ASSOCIATION, association.name),
        (association_form.REPRESENTATIVE, filing.representative),
        (association_form.DECLARED, association.declared_on.isoformat()),
        *_place_and_days(filing),
        (association_form.SUPPORTS, association.supports),
    )


def _texts(filing: Filing) -> tuple[tuple[str, str], ...]:
    return (
        ("Pétition / العريضة", filing.code),
        ("Titre / العنوان", filing.title),
        ("Résumé / ملخص", filing.summary),
        ("Texte / نص العريضة", filing.body),
        ("Demandes / المطالب", filing.requests),
    )


def _place_and_days(filing: Filing) -> tuple[tuple[str, str], ...]:
    return (
        ("Commune", filing.commune_fr),
        ("الجماعة", filing.commune_ar),
        ("Province", filing.province_fr),
        ("Ouverte le / تاريخ الفتح", timestamp(filing.opened_at)),
        ("Échéance / آخر أجل", filing.deadline.isoformat()),
    )


def _fields(filing: Filing) -> tuple[tuple[str, str | int], ...]:
    return (
        *_texts(filing),
        ("Mandataire / وكيل العريضة", filing.representative),
        *_place_and_days(filing),
        ("Seuil / النصاب", filing.threshold),
        ("Signatures / عدد التوقيعات", len(filing.signatories)),
        ("Dont sur papier / منها على الورق", sum(s.on_paper for s in filing.signatories)),
    )
