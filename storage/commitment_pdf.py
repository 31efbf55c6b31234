"""A commune's commitments as a printable A4 list in French and Arabic, for the next council
session: each with who made it, where it was said, its due date (overdue ones marked), its
status and the last note of its history.

Pure formatting, on the document of storage/plex.py; imported only when a PDF is asked for.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from conversations.commitment import Commitment, CommitmentLife, SourceKind
from storage.plex import PlexDocument, plex_fonts

LIVES = {
    CommitmentLife.PENDING: ("en attente", "في الانتظار"),
    CommitmentLife.IN_PROGRESS: ("en cours", "في طور الإنجاز"),
    CommitmentLife.DONE: ("réalisé", "منجز"),
    CommitmentLife.ABANDONED: ("abandonné", "متخلى عنه"),
}
SOURCES = {
    SourceKind.PETITION: ("réponse à la pétition", "جواب على العريضة"),
    SourceKind.MEETING: ("décision de la réunion", "قرار الاجتماع"),
    SourceKind.ORGANIZER: ("noté par les organisateurs", "سجله المنظمون"),
}


def to_pdf(
    found: Sequence[Commitment],
    commune: tuple[str, str],
    today: date,
    made_at: datetime | None = None,
) -> bytes:
    """The list for the commune named (French, Arabic), as of ``today``."""
    with plex_fonts() as fonts:
        pdf = PlexDocument("engagements", fonts)
        if made_at is not None:
            pdf.set_creation_date(made_at)
        pdf.add_page()
        pdf.pair("Engagements de la commune", "التزامات الجماعة", size=13, style="B")
        pdf.pair(f"Commune : {commune[0]}", f"الجماعة: {commune[1]}", size=10)
        day = today.strftime("%d/%m/%Y")
        late = sum(c.overdue(today) for c in found)
        pdf.pair(
            f"État au {day} · {len(found)} engagements · {late} en retard",
            f"الوضع في {day} · {len(found)} التزامات · {late} متأخرة",
            size=9,
        )
        pdf.ln(3)
        for commitment in found:
            _commitment(pdf, commitment, today)
        return bytes(pdf.output())


def _commitment(pdf: PlexDocument, c: Commitment, today: date) -> None:
    life_fr, life_ar = LIVES[c.life]
    source_fr, source_ar = SOURCES[c.source_kind]
    ref = f" {c.source_ref}" if c.source_ref else ""
    due = c.due_on.strftime("%d/%m/%Y")
    pdf.paragraphs(f"{c.id}. {c.text}", size=11)
    late_fr, late_ar = (" · EN RETARD", " · متأخر") if c.overdue(today) else ("", "")
    pdf.pair(
        f"{c.made_by} · {source_fr}{ref} · échéance {due} · {life_fr}{late_fr}",
        f"{c.made_by} · {source_ar}{ref} · الأجل {due} · {life_ar}{late_ar}",
        size=9,
    )
    noted = [change for change in c.history if change.note]
    if noted:
        pdf.paragraphs(f"« {noted[-1].note} »", size=8)
    pdf.ln(2)
