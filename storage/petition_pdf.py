"""A petition and its signatories as a printable A4 PDF in Arabic and French, after the form of
decree 2.16.403, to file with the commune (storage/filing.py gathers what it shows).

Pure formatting; fpdf is imported only here, and this module only when a PDF is asked for.
"""

from __future__ import annotations

import unicodedata
from contextlib import ExitStack
from datetime import datetime
from importlib.resources import as_file, files
from pathlib import Path

from fpdf import FPDF

from conversations.petition_desk import Filing, Signatory
from storage.cells import HEADING, signed_when, source_of, timestamp

# IBM Plex Sans Arabic draws Arabic and French (accents, « », n°) in one face and comes as a PyPI
# wheel, so the PDF looks the same on every machine, with no system font and nothing downloaded.
FONT_PACKAGE = "fontpkg_ibm_plex_sans_arabic"
FONT_FILES = {"": "IBMPlexSansArabic-Regular.ttf", "B": "IBMPlexSansArabic-Bold.ttf"}
FAMILY = "plex"
LEADING = 0.55  # millimetres of line per point of type: room for Arabic ascenders and dots
ROW = 6.5  # millimetres: one signature in the table
# n°, full name, CIN, date, as shares of the width.
COLUMNS = (8, 40, 16, 18, 18)


def to_pdf(filing: Filing, made_at: datetime | None = None) -> bytes:
    """An A4 document to file with the commune: the petition and its representative, then every
    signatory numbered in a table whose heading comes back on each page; pages are numbered.
    ``made_at`` is the document's date (now by default): the same moment gives the same bytes."""
    with ExitStack() as stack:
        # Font files must outlive the document, which reads glyphs from them as it writes subsets;
        # as_file also copes with a package installed as a zip.
        fonts = {
            style: stack.enter_context(as_file(files(FONT_PACKAGE) / "files" / name))
            for style, name in FONT_FILES.items()
        }
        pdf = _Document(filing.code, fonts)
        if made_at is not None:
            pdf.set_creation_date(made_at)
        _compose(pdf, filing)
        return bytes(pdf.output())


def _compose(pdf: _Document, filing: Filing) -> None:
    count, threshold = len(filing.signatories), filing.threshold
    opened, deadline = timestamp(filing.opened_at)[:10], filing.deadline.isoformat()
    pdf.add_page()
    addressee = f"عريضة إلى رئيس مجلس جماعة {filing.commune_ar}"
    pdf.pair("Pétition au président du conseil de la commune", addressee, size=12, style="B")
    pdf.pair(f"Commune : {filing.commune_fr} · Province : {filing.province_fr}", "", size=10)
    law = "القانون التنظيمي 113.14، المواد 121 إلى 125"
    pdf.pair("Loi organique 113.14, articles 121 à 125 · décret 2.16.403", law, size=8)
    reference = (
        f"Réf. {filing.code} · ouverte le {opened} · échéance {deadline} · seuil {threshold}"
    )
    pdf.pair(reference, f"عدد التوقيعات: {count} · النصاب: {threshold}", size=8)
    pdf.ln(4)
    pdf.paragraphs(filing.title, size=15, style="B")
    pdf.paragraphs(filing.summary, size=11)
    for french, arabic, text in (
        ("Texte de la pétition", "نص العريضة", filing.body),
        ("Demandes", "المطالب", filing.requests),
        ("Mandataire des pétitionnaires", "وكيل العريضة", filing.representative),
    ):
        pdf.pair(french, arabic, size=11, style="B")
        pdf.paragraphs(text, size=10)
    pdf.pair(f"Signataires ({count})", f"الموقعون ({count})", size=11, style="B")
    pdf.signatories(filing.signatories)


def _right_to_left(text: str) -> bool:
    # The first strong letter decides, as rule P2 of the Unicode bidirectional algorithm says.
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL", "L"):
            return kind != "L"
    return False


def _arabic(text: str) -> bool:
    return any(unicodedata.bidirectional(char) in ("R", "AL", "AN") for char in text)


class _Document(FPDF):
    """A4 pages in the packaged font, the reference and the page number at the foot of each."""

    def __init__(self, code: str, fonts: dict[str, Path]) -> None:
        super().__init__(format="A4")
        self.code = code
        self.set_margins(18, 16, 18)
        self.set_auto_page_break(auto=True, margin=18)
        for style, path in fonts.items():
            self.add_font(FAMILY, style, path)
        self.set_title(code)
        self.set_creator("Hayna")
        self.set_fill_color(230, 230, 230)

    def use_font(self, text: str, size: float, style: str = "") -> None:
        # HarfBuzz joins Arabic letters and fpdf2 lays their lines out right to left; text without
        # Arabic skips both, which is what keeps a table of a thousand signatures fast.
        self.set_text_shaping(_arabic(text))
        self.set_font(FAMILY, style, size)

    def footer(self) -> None:
        shaping = self.text_shaping  # fpdf2 restores the font after a footer, not the shaping
        self.set_y(-12)
        self.use_font(self.code, 8)
        self.cell(0, 5, f"{self.code} · {self.page_no()} / {{nb}}", align="C")
        self.text_shaping = shaping

    def pair(self, french: str, arabic: str, *, size: float, style: str = "") -> None:
        """French from the left margin and Arabic from the right one, on one line if they fit."""
        widths = []
        for text in (french, arabic):
            self.use_font(text, size, style)
            widths.append(self.get_string_width(text))
        one_line = sum(widths) + 6 <= self.epw
        for text, align, width in ((french, "L", self.epw - widths[1]), (arabic, "R", widths[1])):
            self.use_font(text, size, style)
            if one_line:
                self.cell(width, LEADING * size, text, align=align)
            else:
                self.multi_cell(0, LEADING * size, text, align=align, new_x="LMARGIN", new_y="NEXT")
        if one_line:
            self.ln()

    def paragraphs(self, text: str, *, size: float, style: str = "") -> None:
        """Text as written, each paragraph aligned on the side its language starts from."""
        for paragraph in text.splitlines() or [""]:
            self.use_font(paragraph, size, style)
            align = "R" if _right_to_left(paragraph) else "L"
            self.multi_cell(
                0, LEADING * size, paragraph, align=align, new_x="LMARGIN", new_y="NEXT"
            )
        self.ln(2)

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
            align = "C" if index != 1 else "R" if _right_to_left(text) else "L"
            self.cell(width, ROW, text, border=1, align=align, fill=bold)
        self.ln()
