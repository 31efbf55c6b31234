"""A petition's poster: one A4 page for a wall, its title as written, fixed wording in French
and Arabic, its commune in both scripts, its count and last day, and a QR code of its public
page drawn as vector squares (segno), the page's address printed under it. An association's
petition names its association and counts supporters, which are no signatures.

Pure formatting, on the document of storage/plex.py; imported only when a poster is asked for.
"""

from __future__ import annotations

from dataclasses import dataclass

import segno

from conversations.kit import MOROCCO
from conversations.petition import PetitionKind
from conversations.public import PublicPetition
from storage.plex import PlexDocument, plex_fonts

# The QR code's side on the page, in millimetres: read from across a corridor.
QR_SIDE = 100.0


@dataclass(frozen=True, slots=True)
class PosterWords:
    """The poster's fixed words, each as (French, Arabic); ``count`` and ``last_day`` take
    the figures."""

    heading: tuple[str, str]
    call: tuple[str, str]
    count: tuple[str, str]
    last_day: tuple[str, str]
    scan: tuple[str, str]


WORDS = {
    PetitionKind.RESIDENTS: PosterWords(
        ("Pétition", "عريضة"),
        ("Signez cette pétition", "وقّع هذه العريضة"),
        ("Signatures : {count}", "عدد التوقيعات: {count}"),
        ("Dernier jour : {day}", "آخر يوم للتوقيع: {day}"),
        ("Scannez pour lire et signer", "امسح الرمز للقراءة والتوقيع"),
    ),
    # The chat's words for a support (conversations/petitions.py), as its catalogs have them.
    PetitionKind.ASSOCIATION: PosterWords(
        ("Pétition d'association", "عريضة جمعية"),
        ("Soutenez cette pétition", "ساندوا هذه العريضة"),
        ("Soutiens : {count}", "عدد الداعمين: {count}"),
        ("Dernier jour : {day}", "آخر يوم للمساندة: {day}"),
        ("Scannez pour lire et soutenir", "امسحوا الرمز للقراءة والمساندة"),
    ),
}
# Under an association's count: a support is no legal signature.
NOT_SIGNATURES = (
    "Le soutien est compté et affiché ; ce n'est pas une signature légale.",
    "المساندة تُحتسب وتُعرض، لكنها ليست توقيعا قانونيا.",
)


def to_poster(petition: PublicPetition, url: str) -> bytes:
    """The poster's PDF bytes; ``url`` is the petition's public page, which the QR code holds."""
    with plex_fonts() as fonts:
        pdf = _Poster(petition.code, fonts)
        pdf.set_author(petition.commune_fr)
        pdf.add_page()
        words = WORDS[petition.kind]
        pdf.heading(petition, words)
        pdf.progress(petition, words)
        pdf.qr(url, words)
        return bytes(pdf.output())


class _Poster(PlexDocument):
    """The poster's one page, from the top down."""

    def heading(self, petition: PublicPetition, words: PosterWords) -> None:
        self.pair(*words.heading, size=14, style="B")
        self.pair(f"Commune : {petition.commune_fr}", f"جماعة {petition.commune_ar}", size=12)
        if petition.association:
            name = petition.association
            self.pair(f"Portée par : {name}", f"تحملها {name}", size=12, style="B")
        self.ln(6)
        self.paragraphs(petition.title, size=24, style="B", align="C")
        self.paragraphs(petition.summary, size=13, align="C")
        self.ln(4)
        self.pair(*words.call, size=18, style="B")

    def progress(self, petition: PublicPetition, words: PosterWords) -> None:
        count = str(petition.signatures)
        if petition.kind is PetitionKind.RESIDENTS:
            count = f"{count} / {petition.threshold}"
        last = petition.deadline.astimezone(MOROCCO).date().isoformat()
        french, arabic = words.count
        self.pair(french.format(count=count), arabic.format(count=count), size=12)
        french, arabic = words.last_day
        self.pair(french.format(day=last), arabic.format(day=last), size=12)
        if petition.kind is PetitionKind.ASSOCIATION:
            self.pair(*NOT_SIGNATURES, size=10)
        self.ln(6)

    def qr(self, url: str, words: PosterWords) -> None:
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
        self.pair(*words.scan, size=11)
        self.use_font(url, 11)
        self.cell(0, 6, url, align="C", link=url)
