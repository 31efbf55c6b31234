"""A meeting as an iCalendar file (RFC 5545), for residents who said they will attend."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from conversations.groups import Meeting

DURATION = timedelta(hours=2)
# RFC 5545 §3.1: lines longer than 75 octets are folded.
FOLD_AT = 75


def _escaped(text: str) -> str:
    """TEXT values escape backslash, semicolon, comma and newlines (RFC 5545 §3.3.11)."""
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def _folded(line: str) -> str:
    """Fold by octets, never inside a UTF-8 character."""
    pieces: list[str] = []
    current, size = "", 0
    limit = FOLD_AT
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            pieces.append(current)
            # A continuation line starts with one space, which counts towards its 75 octets.
            current, size, limit = char, width, FOLD_AT - 1
        else:
            current += char
            size += width
    pieces.append(current)
    return "\r\n ".join(pieces)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def ics(meeting: Meeting, now: datetime, host: str = "hayna") -> str:
    """The calendar file; its UID depends only on the meeting, so a new copy replaces the old."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Hayna//Consultations//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:meeting-{meeting.id}@{host}",
        f"DTSTAMP:{_stamp(now)}",
        f"DTSTART:{_stamp(meeting.starts_at)}",
        f"DTEND:{_stamp(meeting.starts_at + DURATION)}",
        f"SUMMARY:{_escaped(meeting.title)}",
        f"LOCATION:{_escaped(meeting.place)}",
        f"DESCRIPTION:{_escaped(meeting.agenda)}",
    ]
    if meeting.lat is not None and meeting.lon is not None:
        lines.append(f"GEO:{meeting.lat:.6f};{meeting.lon:.6f}")
    status = "CANCELLED" if meeting.status == "cancelled" else "CONFIRMED"
    lines += [f"STATUS:{status}", "END:VEVENT", "END:VCALENDAR"]
    return "".join(_folded(line) + "\r\n" for line in lines)
