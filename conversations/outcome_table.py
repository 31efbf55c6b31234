"""A meeting's outcome as rows, for its CSV file on the command line and the dashboard: the
meeting, its attendance (in all, checked in at the door, by group), its summary, its decisions."""

from __future__ import annotations

from conversations.groups import Meeting
from conversations.kit import MOROCCO
from conversations.outcome import MeetingOutcome

HEADER = ["section", "position", "text", "responsible", "due_on", "count"]


def outcome_rows(meeting: Meeting, outcome: MeetingOutcome) -> list[list[str]]:
    """One row per fact, under `HEADER`; the organizer's words as typed."""
    when = meeting.starts_at.astimezone(MOROCCO).strftime("%Y-%m-%d %H:%M")
    published = outcome.published_at
    rows = [
        HEADER,
        ["meeting", str(meeting.id), meeting.title, "", when, ""],
        ["place", "", meeting.place, "", "", ""],
        [
            "published",
            "",
            published.astimezone(MOROCCO).isoformat() if published else "",
            "",
            "",
            "",
        ],
        ["attended", "", "", "", "", str(outcome.attended)],
        ["checked_in", "", "", "", "", str(outcome.checked_in)],
    ]
    rows += [["group", str(g.group_id), g.name, "", "", str(g.count)] for g in outcome.by_group]
    rows.append(["summary", "", outcome.summary, "", "", ""])
    for d in outcome.decisions:
        due = d.due_on.isoformat() if d.due_on else ""
        rows.append(["decision", str(d.position), d.text, d.responsible, due, ""])
    return rows
