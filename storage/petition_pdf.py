"""A petition and its signatories as a printable A4 PDF in Arabic and French, after the form of
decree 2.16.403, to file with the commune (storage/filing.py gathers what it shows); an
association's petition with its association, checklist and residents' supports instead.

Pure formatting, on the document of storage/plex.py; imported only when a PDF is asked for.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime

from conversations.petition_desk import AssociationFiling, Filing, Signatory
from storage.association_form import NOT_SIGNATURES, TICKED, UNTICKED, check_words
from storage.cells import HEADING, signed_when, source_of, timestamp
from storage.plex import PlexDocument, plex_fonts, right_to_left

ROW = 6.5  # millimetres: one signature in the table
# n°, full name, CIN, date, as shares of the width.
COLUMNS = (8, 40, 16, 18, 18)


def to_pdf(filing: Filing, made_at: datetime | None = None) -> bytes:
    """An A4 document to file with the commune: the petition and its representative, then every
    signatory numbered in a table whose heading comes back on each page; pages are numbered.
    ``made_at`` is the document's date (now by default): the same moment gives the same bytes."""
    with plex_fonts() as fonts:
        pdf = _Document(filing.code, fonts)
        if made_at is not None:
            pdf.set_creation_date(made_at)
        _compose(pdf, filing)
        return bytes(pdf.output())


def _compose(pdf: _Document, filing: Filing) -> None:
    pdf.add_page()
    if filing.association is None:
        _residents(pdf, filing)
    else:
        _association(pdf, filing, filing.association)


def _residents(pdf: _Document, filing: Filing) -> None:
    """Residents' petition: its threshold, its mandataire, and the table of its signatories."""
    count, threshold = len(filing.signatories), filing.threshold
    addressee = f"عريضة إلى رئيس مجلس جماعة {filing.commune_ar}"
    _heading(
        pdf,
        filing,
        ("Pétition au président du conseil de la commune", addressee),
        (
            f"{_reference(filing)} · seuil {threshold}",
            f"عدد التوقيعات: {count} · النصاب: {threshold}",
        ),
    )
    pdf.pair("Mandataire des pétitionnaires", "وكيل العريضة", size=11, style="B")
    pdf.paragraphs(filing.representative, size=10)
    pdf.pair(f"Signataires ({count})", f"الموقعون ({count})", size=11, style="B")
    pdf.signatories(filing.signatories)


def _association(pdf: _Document, filing: Filing, association: AssociationFiling) -> None:
    """An association's petition: no threshold nor signatories, its association instead."""
    addressee = f"عريضة جمعية إلى رئيس مجلس جماعة {filing.commune_ar}"
    _heading(
        pdf,
        filing,
        ("Pétition d'une association au président du conseil de la commune", addressee),
        (_reference(filing), f"تأييد السكان: {association.supports}"),
    )
    pdf.association(association, filing.representative)


def _reference(filing: Filing) -> str:
    opened, deadline = timestamp(filing.opened_at)[:10], filing.deadline.isoformat()
    return f"Réf. {filing.code} · ouverte le {opened} · échéance {deadline}"


def _heading(
    pdf: _Document, filing: Filing, addressee: tuple[str, str], counted: tuple[str, str]
) -> None:
    """To whom, the commune, the law, the reference and the count; then the petition's texts."""
    pdf.pair(*addressee, size=12, style="B")
    pdf.pair(f"Commune : {filing.commune_fr} · Province : {filing.province_fr}", "", size=10)
    law = "القانون التنظيمي 113.14، المواد 121 إلى 125"
    pdf.pair("Loi organique 113.14, articles 121 à 125 · décret 2.16.403", law, size=8)
    pdf.pair(*counted, size=8)
    pdf.ln(4)
    pdf.paragraphs(filing.title, size=15, style="B")
    pdf.paragraphs(filing.summary, size=11)
    for french, arabic, text in (
        ("Texte de la pétition", "نص العريضة", filing.body),
        ("Demandes", "المطالب", filing.requests),
    ):
        pdf.pair(french, arabic, size=11, style="B")
        pdf.paragraphs(text, size=10)


class _Document(PlexDocument):
    """The filing's pages, with the table of its signatories or its association's checklist."""

    def association(self, association: AssociationFiling, representative: str) -> None:
        """Who files it and since when it exists, each item checked (by whom, when), and the
        residents' supports, said not to be signatures."""
        declared = association.declared_on.isoformat()
        for french, arabic, text in (
            ("Association", "الجمعية", association.name),
            ("Représentant de l'association", "ممثل الجمعية", representative),
            ("Déclaration reçue le", "تاريخ تسلم التصريح", declared),
        ):
            self.pair(french, arabic, size=11, style="B")
            self.paragraphs(text, size=10)
        ticked = sum(check.ticked for check in association.checks)
        total = len(association.checks)
        self.pair(
            f"Vérifications ({ticked} / {total})", f"لائحة التحقق ({ticked} / {total})",
            size=11, style="B",
        )  # fmt: skip
        for number, check in enumerate(association.checks, start=1):
            french, arabic = check_words(check)
            self.pair(f"{number}. {french}", arabic, size=9)
            if check.ticked_at is None:
                self.pair(f"{check.item} · {UNTICKED[0]}", UNTICKED[1], size=8)
            else:
                moment = timestamp(check.ticked_at)[:16].replace("T", " ")
                by = f"{check.item} · {TICKED[0]} {check.ticked_by}, le {moment}"
                self.pair(by, TICKED[1], size=8)
            self.ln(1)
        supports = association.supports
        self.pair(
            f"Soutiens des habitants : {supports}", f"تأييد السكان: {supports}", size=11, style="B"
        )
        self.pair(*NOT_SIGNATURES, size=9)

    def signatories(self, signatories: tuple[Signatory, ...]) -> None:
        """The numbered table of signatures, one line each; its heading comes back on each page."""
        self.row(HEADING, bold=True)
        for number, signatory in enumerate(signatories, start=1):
            if self.will_page_break(ROW):
                self.add_page()
                self.row(HEADING, bold=True)
            moment = signed_when(signatory)[:16].replace("T", " ")
            texts = (str(number), signatory.full_name, signatory.cin, moment)
            self.row((*texts, source_of(signatory)))

    def row(self, texts: tuple[str, ...], *, bold: bool = False) -> None:
        # Cell by cell: fpdf2's own tables wrap and shape every cell, seconds for 100 signatures.
        shares = sum(COLUMNS)
        for index, text in enumerate(texts):
            text = unicodedata.normalize("NFC", text)
            width = self.epw * COLUMNS[index] / shares
            size = 9.0
            self.use_font(text, size, "B" if bold else "")
            # A long name gets smaller type rather than a second line, so each row stays one line.
            while size > 5 and self.get_string_width(text) > width - 2:
                size -= 0.5
                self.set_font_size(size)
            align = "C" if index != 1 else "R" if right_to_left(text) else "L"
            self.cell(width, ROW, text, border=1, align=align, fill=bold)
        self.ln()
