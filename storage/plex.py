"""A4 documents in the packaged IBM Plex Sans Arabic, Arabic shaped by HarfBuzz: the petition's
filing (storage/petition_pdf.py) and its poster (storage/poster_pdf.py) are both written on one.

Pure formatting; fpdf is imported only by the PDF modules, and those only when a PDF is asked for.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.resources import as_file, files
from pathlib import Path

from fpdf import FPDF

# IBM Plex Sans Arabic draws Arabic and French (accents, « », n°) in one face and comes as a PyPI
# wheel, so a PDF looks the same on every machine, with no system font and nothing downloaded.
FONT_PACKAGE = "fontpkg_ibm_plex_sans_arabic"
FONT_FILES = {"": "IBMPlexSansArabic-Regular.ttf", "B": "IBMPlexSansArabic-Bold.ttf"}
FAMILY = "plex"
LEADING = 0.55  # millimetres of line per point of type: room for Arabic ascenders and dots


@contextmanager
def plex_fonts() -> Iterator[dict[str, Path]]:
    """The font files by style. They must outlive the document, which reads glyphs from them as
    it writes subsets; as_file also copes with a package installed as a zip."""
    folder = files(FONT_PACKAGE) / "files"
    with as_file(folder / FONT_FILES[""]) as regular, as_file(folder / FONT_FILES["B"]) as bold:
        yield {"": regular, "B": bold}


def right_to_left(text: str) -> bool:
    # The first strong letter decides, as rule P2 of the Unicode bidirectional algorithm says.
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL", "L"):
            return kind != "L"
    return False


def arabic(text: str) -> bool:
    return any(unicodedata.bidirectional(char) in ("R", "AL", "AN") for char in text)


class PlexDocument(FPDF):
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
        self.set_text_shaping(arabic(text))
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

    def paragraphs(self, text: str, *, size: float, style: str = "", align: str = "") -> None:
        """Text as written, each paragraph aligned on the side its language starts from (or
        as ``align`` says)."""
        for paragraph in text.splitlines() or [""]:
            self.use_font(paragraph, size, style)
            side = align or ("R" if right_to_left(paragraph) else "L")
            self.multi_cell(0, LEADING * size, paragraph, align=side, new_x="LMARGIN", new_y="NEXT")
        self.ln(2)
