"""A petition's poster: one A4 page for a wall, its title as written, fixed wording in French
and Arabic, its commune in both scripts, its count and last day, and a QR code of its public
page drawn as vector squares (segno), the page's address printed under it.

Pure formatting, on the document of storage/plex.py; imported only when a poster is asked for.
"""

from __future__ import annotations

import segno

from conversations.kit import MOROCCO
from conversations.public import PublicPetition
from storage.plex import PlexDocument, plex_fonts

# The QR code's side on the page, in millimetres: read from across a corridor.
QR_SIDE = 100.0


def to_poster(petition: PublicPetition, url: str) -> bytes:
    """The poster's PDF bytes; ``url`` is the petition's public page, which the QR code holds."""
    with plex_fonts() as fonts:
        pdf = _Poster(petition.code, fonts)
        pdf.set_author(petition.commune_fr)
        pdf.add_page()
        pdf.heading(petition)
        pdf.progress(petition)
        pdf.qr(url)
        return bytes(pdf.output())


class _Poster(PlexDocument):
    """The poster's one page, from the top down."""

    def heading(self, petition: PublicPetition) -> None:
        self.pair("Pétition", "عريضة", size=14, style="B")
        self.pair(f"Commune : {petition.commune_fr}", f"جماعة {petition.commune_ar}", size=12)
        self.ln(6)
        self.paragraphs(petition.title, size=24, style="B", align="C")
        self.paragraphs(petition.summary, size=13, align="C")
        self.ln(4)
        self.pair("Signez cette pétition", "وقّع هذه العريضة", size=18, style="B")

    def progress(self, petition: PublicPetition) -> None:
        count = f"{petition.signatures} / {petition.threshold}"
        last = petition.deadline.astimezone(MOROCCO).date().isoformat()
        self.pair(f"Signatures : {count}", f"عدد التوقيعات: {count}", size=12)
        self.pair(f"Dernier jour : {last}", f"آخر يوم للتوقيع: {last}", size=12)
        self.ln(6)

    def qr(self, url: str) -> None:
        """The code as one filled square per dark module, centred, the address under it."""
        matrix = segno.make(url, error="m", micro=False).matrix
        module = QR_SIDE / len(matrix)
        left, top = (self.w - QR_SIDE) / 2, self.get_y()
        self.set_fill_color(0, 0, 0)
        for row, line in enumerate(matrix):
            for column, dark in enumerate(line):
                if dark:
                    x, y = left + column * module, top + row * module
                    self.rect(x, y, module, module, style="F")
        self.set_y(top + QR_SIDE + 4)
        self.pair("Scannez pour lire et signer", "امسح الرمز للقراءة والتوقيع", size=11)
        self.use_font(url, 11)
        self.cell(0, 6, url, align="C", link=url)
