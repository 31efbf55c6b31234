"""A meeting's outcome as a printable A4 record in French and Arabic: the meeting, its
attendance (checked in at the door, by group), its summary and its decisions with who is
responsible and by when. The organizer's words are printed as typed, Arabic shaped.

Pure formatting, on the document of storage/plex.py; imported only when a PDF is asked for.
"""

from __future__ import annotations

from datetime import datetime

from conversations.groups import Meeting
from conversations.kit import MOROCCO
from conversations.outcome import MeetingOutcome
from storage.plex import PlexDocument, plex_fonts


def to_pdf(meeting: Meeting, outcome: MeetingOutcome, made_at: datetime | None = None) -> bytes:
    with plex_fonts() as fonts:
        pdf = PlexDocument(f"M-{meeting.id}", fonts)
        if made_at is not None:
            pdf.set_creation_date(made_at)
        pdf.add_page()
        _heading(pdf, meeting, outcome)
        pdf.pair("Compte rendu", "ملخص", size=11, style="B")
        pdf.paragraphs(outcome.summary, size=9)
        _decisions(pdf, outcome)
        return bytes(pdf.output())


def _heading(pdf: PlexDocument, meeting: Meeting, outcome: MeetingOutcome) -> None:
    when = meeting.starts_at.astimezone(MOROCCO).strftime("%Y-%m-%d %H:%M")
    pdf.pair("Issue de la réunion", "حصيلة الاجتماع", size=13, style="B")
    pdf.paragraphs(meeting.title, size=12, style="B")
    pdf.pair(f"Le {when} · {meeting.place}", f"بتاريخ {when}", size=9)
    pdf.pair(
        f"Présents : {outcome.attended} · pointés à l'entrée : {outcome.checked_in}",
        f"الحاضرون: {outcome.attended} · المسجلون عند الباب: {outcome.checked_in}",
        size=10,
        style="B",
    )
    for group in outcome.by_group:
        pdf.pair(f"{group.name} : {group.count}", f"{group.name}: {group.count}", size=9)
    pdf.ln(3)


def _decisions(pdf: PlexDocument, outcome: MeetingOutcome) -> None:
    if not outcome.decisions:
        return
    pdf.pair("Décisions", "القرارات", size=11, style="B")
    for decision in outcome.decisions:
        pdf.paragraphs(f"{decision.position}. {decision.text}", size=10, style="B")
        if decision.responsible:
            pdf.pair(f"Responsable : {decision.responsible}", decision.responsible, size=9)
        if decision.due_on is not None:
            due = decision.due_on.isoformat()
            pdf.pair(f"Échéance : {due}", f"الأجل: {due}", size=9)
