"""A petition and its signatories as files to file with the commune: what the filing shows
(the CINs opened with the deployment's key), a CSV for spreadsheets, and the printable PDF of
storage/petition_pdf.py. `hayna petitions export` and the dashboard's downloads both make their
files here, so they are the same bytes.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime

from sqlalchemy import Connection

from conversations.petition_desk import Filing, FilingKind, Signatory
from storage import petitions
from storage.cells import BOM, HEADING, safe_cell, signed_when, source_of, timestamp
from storage.gazetteer import Commune, Gazetteer
from storage.vault import Vault


def gathered(conn: Connection, code: str, vault: Vault, gazetteer: Gazetteer) -> Filing | None:
    """What the petition's filing shows, its CINs opened; None for a draft, never published.
    Raises `PetitionError` for an unknown petition, and cryptography's `InvalidToken` when the
    key is not the one the CINs were sealed with."""
    petition = petitions.record(conn, code)
    if petition.opened_at is None:
        return None
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
    )


def written(filing: Filing, kind: FilingKind, made_at: datetime) -> bytes:
    """The filing as a file of ``kind``; a PDF is dated ``made_at``."""
    if kind is FilingKind.CSV:
        return to_csv(filing)
    # fpdf takes half a second to import: only a PDF pays for it, not every `hayna` command.
    from storage.petition_pdf import to_pdf

    return to_pdf(filing, made_at)


def to_csv(filing: Filing) -> bytes:
    """The petition's fields, a blank line, then one line per signatory. UTF-8 with a BOM so that
    Excel reads the Arabic; no text cell that a spreadsheet would run as a formula."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for label, value in _fields(filing):
        writer.writerow((label, safe_cell(value) if isinstance(value, str) else value))
    writer.writerow(())
    writer.writerow(HEADING)
    for number, signatory in enumerate(filing.signatories, start=1):
        name, cin = safe_cell(signatory.full_name), safe_cell(signatory.cin)
        writer.writerow((number, name, cin, signed_when(signatory), source_of(signatory)))
    return (BOM + buffer.getvalue()).encode("utf-8")


def _fields(filing: Filing) -> tuple[tuple[str, str | int], ...]:
    return (
        ("Pétition / العريضة", filing.code),
        ("Titre / العنوان", filing.title),
        ("Résumé / ملخص", filing.summary),
        ("Texte / نص العريضة", filing.body),
        ("Demandes / المطالب", filing.requests),
        ("Mandataire / وكيل العريضة", filing.representative),
        ("Commune", filing.commune_fr),
        ("الجماعة", filing.commune_ar),
        ("Province", filing.province_fr),
        ("Ouverte le / تاريخ الفتح", timestamp(filing.opened_at)),
        ("Échéance / آخر أجل", filing.deadline.isoformat()),
        ("Seuil / النصاب", filing.threshold),
        ("Signatures / عدد التوقيعات", len(filing.signatories)),
        ("Dont sur papier / منها على الورق", sum(s.on_paper for s in filing.signatories)),
    )
