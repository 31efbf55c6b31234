"""The filing export of a petition: a CSV no spreadsheet runs as formulas, and a PDF whose Arabic is
joined and laid out right to left, read back the way a PDF viewer reads it; an association's
with its association, its checklist and its residents' supports, and no signatories."""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader

from conversations.association import Check, CheckItem
from conversations.petition_desk import AssociationFiling, Filing, Signatory
from storage import association_form as form
from storage.cells import HEADING
from storage.filing import to_csv
from storage.petition_pdf import to_pdf

# No two letters of the title make a ligature in the packaged font, so read back letter by letter it
# is exactly the title reversed (a ligature would keep its own two letters in typing order).
TITLE = "طريق محمد الخامس"
SUMMARY = "Réfection de la route Mohammed V, coupée chaque hiver."
REPRESENTATIVE = "خديجة أوعلي — Khadija Oualli"
NAMES = ('=HYPERLINK("http://evil.example","x")', "+1", "-2", "@SUM(A1:A9)", "Fatima Benali")


def filing(count: int) -> Filing:
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    signatories = tuple(
        Signatory(NAMES[n % len(NAMES)], f"AB{100000 + n}", start + timedelta(hours=n))
        for n in range(count)
    )
    return Filing(
        code="P7K2Q",
        title=TITLE,
        summary=SUMMARY,
        body="نطالب المجلس الجماعي بإصلاح الطريق قبل فصل الشتاء.\nNous demandons la réfection.",
        requests="1. إصلاح الطريق\n2. Un éclairage public",
        representative=REPRESENTATIVE,
        commune_ar="أكادير",
        commune_fr="Agadir",
        province_fr="Agadir-Ida-Ou-Tanane",
        threshold=200,
        deadline=date(2026, 6, 30),
        opened_at=datetime(2026, 3, 1, 8, 0, tzinfo=UTC),
        signatories=signatories,
    )


@pytest.fixture(scope="module")
def pdf() -> bytes:
    return to_pdf(filing(120))


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_csv_is_utf8_with_a_bom_and_has_one_row_per_signatory() -> None:
    data = to_csv(filing(7))
    assert data.startswith(b"\xef\xbb\xbf")
    rows = csv_rows(data)
    fields = {row[0]: row[1] for row in rows[: rows.index([])]}
    assert fields["Titre / العنوان"] == TITLE
    assert fields["الجماعة"] == "أكادير"
    assert fields["Seuil / النصاب"] == "200"
    heading, *signatures = rows[rows.index([]) + 1 :]
    assert heading[0] == "n° / رقم"
    assert [row[0] for row in signatures] == [str(n) for n in range(1, 8)]
    assert [row[2] for row in signatures] == [f"AB{100000 + n}" for n in range(7)]
    # 09:00 UTC on 2 March 2026 is Ramadan, when Morocco is on UTC+0; 1 April is back to UTC+1.
    assert signatures[0][3] == "2026-03-02T09:00:00+00:00"
    april = Signatory("Fatima Benali", "AB1", datetime(2026, 4, 1, 9, tzinfo=UTC))
    assert csv_rows(to_csv(replace(filing(0), signatories=(april,))))[-1][3] == (
        "2026-04-01T10:00:00+01:00"
    )


def test_csv_neutralises_every_cell_a_spreadsheet_would_run_as_a_formula() -> None:
    rows = csv_rows(to_csv(filing(5)))
    names = [row[1] for row in rows[-5:]]
    assert names == [
        '\'=HYPERLINK("http://evil.example","x")',
        "'+1",
        "'-2",
        "'@SUM(A1:A9)",
        "Fatima Benali",
    ]
    tricky = replace(filing(0), title="\t=1+1", summary="\r=2", body="=3", requests="-4")
    for row in csv_rows(to_csv(tricky)):
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), row


def test_pdf_is_a_pdf_of_several_numbered_pages_for_many_signatories(pdf: bytes) -> None:
    assert pdf.startswith(b"%PDF")
    pages = PdfReader(io.BytesIO(pdf)).pages
    assert len(pages) >= 2
    document = pdfium.PdfDocument(pdf)
    for number in range(len(document)):
        lines = drawn_lines(document, number)
        assert f"P7K2Q · {number + 1} / {len(pages)}" in lines
        # The table's heading comes back at the top of each page of signatures.
        assert any(line.startswith("n° / ") for line in lines)
    last = drawn_lines(document, len(document) - 1)
    assert any(line.startswith("120 Fatima Benali AB100119 2026-03-07 08:00") for line in last)


def test_pdf_arabic_reads_right_to_left_and_french_left_to_right(pdf: bytes) -> None:
    lines = drawn_lines(pdfium.PdfDocument(pdf), 0)
    # Read from left to right as drawn, the Arabic title is the title backwards: its first letter
    # is at the right. Unshaped, left-to-right output would show it in typing order instead.
    assert TITLE[::-1] in lines
    assert TITLE not in lines
    assert SUMMARY in lines
    # A mixed line starts from the right with its Arabic, and keeps the French run in reading order.
    assert "Khadija Oualli — يلعوأ ةجيدخ" in lines


def test_pdf_arabic_letters_take_their_joined_forms(pdf: bytes) -> None:
    # Unshaped, a font in a PDF holds one glyph per letter. Joined, a letter has a glyph for each
    # place it takes in a word: م opens محمد and sits inside it; ا stands alone in ال and ends كا.
    fonts = letter_glyphs(pdf)
    for letter in "مال":
        assert any(len(glyphs[letter]) >= 2 for glyphs in fonts.values()), letter


def association_filing() -> Filing:
    """An association's filing: one item ticked (by a name a spreadsheet would run), one not."""
    ticked = datetime(2026, 4, 1, 9, tzinfo=UTC)
    checks = (Check(CheckItem.EXISTENCE, 3, "=Khadija", ticked), Check(CheckItem.STATUTES, 3))
    association = AssociationFiling("جمعية النور", date(2019, 5, 1), checks, 42)
    return replace(filing(0), threshold=0, representative="Youssef Amrani", association=association)


def test_an_association_csv_has_its_association_and_checklist_and_no_signatories() -> None:
    rows = csv_rows(to_csv(association_filing()))
    fields = {row[0]: row[1] for row in rows[: rows.index([])]}
    assert fields["Association / الجمعية"] == "جمعية النور"
    assert fields[form.REPRESENTATIVE] == "Youssef Amrani"
    assert fields[form.DECLARED] == "2019-05-01"
    assert fields[form.SUPPORTS] == "42" and "pas des signatures légales" in form.SUPPORTS
    assert "Seuil / النصاب" not in fields and "Signatures / عدد التوقيعات" not in fields
    heading, *checks = rows[rows.index([]) + 1 :]
    assert heading == list(form.CHECK_HEADING)
    assert checks == [
        [
            "1",
            "existence",
            "L'association est légalement constituée depuis au moins 3 ans",
            "الجمعية مؤسسة بصفة قانونية منذ 3 سنوات على الأقل",
            "'=Khadija",
            "2026-04-01T10:00:00+01:00",
        ],
        [
            "2",
            "statutes",
            "Une copie de ses statuts est jointe",
            "نسخة من نظامها الأساسي مرفقة",
            "",
            "non cochée / غير مؤشر عليه",
        ],
    ]
    assert HEADING[1] not in {cell for row in rows for cell in row}


def test_an_association_pdf_has_its_checklist_and_supports_and_no_signatories() -> None:
    pdf = to_pdf(association_filing())
    document = pdfium.PdfDocument(pdf)
    assert len(document) == 1
    lines = drawn_lines(document, 0)
    assert "Pétition d'une association au président du conseil de la commune" in lines
    assert "Youssef Amrani" in lines and "2019-05-01" in lines
    assert "existence · cochée par =Khadija, le 2026-04-01 10:00 هيلع رشؤم" in lines
    assert "statutes · non cochée هيلع رشؤم ريغ" in lines
    # The count, its Arabic read right to left, and the word that it is no signature.
    assert "Soutiens des habitants : 42 42 :ناكسلا دييأت" in lines
    assert any("ne sont pas des signatures légales" in line for line in lines)
    assert not any(line.startswith(("n° / ", "Signataires")) for line in lines)
    # Joined, a letter has a glyph for each place it takes: ع inside جمعية, at the end of مع.
    fonts = letter_glyphs(pdf)
    for letter in "عمي":
        assert any(len(glyphs[letter]) >= 2 for glyphs in fonts.values()), letter


def drawn_lines(document: pdfium.PdfDocument, page: int) -> list[str]:
    """The text of a page line by line, each line's characters sorted by where they are drawn,
    left to right: the order a reader's eye meets them, whatever order the file stores them in."""
    text = document[page].get_textpage()
    placed = []
    for index in range(text.count_chars()):
        char = text.get_text_range(index, 1)
        if char in ("\r", "\n", ""):
            continue
        left, bottom, _, top = text.get_charbox(index, loose=True)
        placed.append(((bottom + top) / 2, left, char))
    lines: list[list[tuple[float, str]]] = []
    last = None
    for middle, left, char in sorted(placed, reverse=True):
        # Rows of the table are 18 points apart: characters within 4 share a line.
        if last is None or last - middle > 4:
            lines.append([])
        lines[-1].append((left, char))
        last = middle
    return ["".join(char for _, char in sorted(line)).strip() for line in lines]


def letter_glyphs(pdf: bytes) -> dict[str, dict[str, set[str]]]:
    """Font by font, the glyph ids that its ToUnicode map says stand for each single character:
    what a viewer copies when it copies that glyph."""
    fonts: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for name, font in page["/Resources"]["/Font"].items():
            cmap = font.get_object()["/ToUnicode"].get_data().decode("latin-1")
            for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
                for glyph, target in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
                    fonts[name][bytes.fromhex(target).decode("utf-16-be")].add(glyph)
    return fonts
