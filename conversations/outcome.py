"""A meeting's outcome as its organizer records it — attendance, a summary, decisions — the
checks of what they typed, the short codes residents show at the door, and the notice sent when
the outcome is published. Shared by the chat, the dashboard, the command line and storage."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from conversations.dates import read_day
from conversations.folding import to_ascii_digits
from conversations.groups import Meeting
from conversations.kit import MOROCCO
from conversations.text import Renderable, Verbatim, _, lines, ngettext

SUMMARY_MAX, DECISION_MAX, RESPONSIBLE_MAX = 3000, 300, 120
# Decisions of one meeting, at most: a meeting decides a few things, not a register.
DECISIONS_MAX = 20
# Attendance above this is a typing slip, not a neighbourhood meeting.
ATTENDED_MAX = 100_000

# Residents queue at the door before the start: a meeting is listed for check-in this early.
DOOR_OPENS = timedelta(hours=2)

# No 0/O, 1/I/L, 2/Z, 5/S, 8/B: a code read aloud or typed from a phone screen stays one code.
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 4


class OutcomeWhy(StrEnum):
    """Why an outcome, or one of its parts, is refused."""

    # The meeting starts in the future: nothing happened yet.
    NOT_HELD = "not_held"
    # Cancelled or still a draft: it was never held.
    NOT_PUBLISHED = "not_published"
    ALREADY_PUBLISHED = "already_published"
    # Publishing an outcome never recorded.
    NOT_RECORDED = "not_recorded"
    NO_SUMMARY = "no_summary"
    NOT_A_NUMBER = "not_a_number"
    EMPTY_DECISION = "empty_decision"
    TOO_LONG = "too_long"
    DUE_PAST = "due_past"
    TOO_MANY = "too_many"
    # A group given with a count is not one of the meeting's commune.
    GROUP_ELSEWHERE = "group_elsewhere"


class CheckedIn(StrEnum):
    """What typing a code at the door did."""

    OK = "ok"
    UNKNOWN = "unknown"
    ALREADY = "already"


@dataclass(frozen=True, slots=True)
class Decision:
    """One decision of a meeting, in its order; later a commitment of the commune."""

    position: int
    text: str
    responsible: str = ""
    due_on: date | None = None


@dataclass(frozen=True, slots=True)
class GroupAttendance:
    """How many of one group of the commune came."""

    group_id: int
    count: int
    name: str = ""


@dataclass(frozen=True, slots=True)
class OutcomeDraft:
    """An outcome as an organizer writes it, in the chat, on the dashboard or in a command."""

    summary: str
    attended: int
    decisions: tuple[Decision, ...] = ()
    by_group: tuple[GroupAttendance, ...] = ()


@dataclass(frozen=True, slots=True)
class MeetingOutcome:
    """A recorded outcome, and how many RSVPs were checked in at the door."""

    meeting_id: int
    summary: str
    attended: int
    checked_in: int
    recorded_by: str
    recorded_at: datetime
    published_at: datetime | None
    decisions: tuple[Decision, ...] = ()
    by_group: tuple[GroupAttendance, ...] = ()


class OutcomeError(ValueError):
    """An outcome storage refuses: ``why`` says which rule, str() the detail in English for
    the command line."""

    def __init__(self, why: OutcomeWhy, detail: str = "") -> None:
        super().__init__(detail or why.value.replace("_", " "))
        self.why = why


def moroccan_day(now: datetime) -> date:
    """The day it is in Morocco: a due date is a Moroccan one."""
    return now.astimezone(MOROCCO).date()


def count_of(text: str) -> int | None:
    """A typed count (ASCII or Arabic-Indic digits), None when it is not a whole number in
    range."""
    typed = to_ascii_digits(text.strip())
    # Six digits at most: a longer run is no count of people (and int() refuses thousands).
    if not typed.isdigit() or not typed.isascii() or len(typed) > 6:
        return None
    n = int(typed)
    return n if n <= ATTENDED_MAX else None


def decision_why(decision: Decision, today: date) -> OutcomeWhy | None:
    """What is wrong with one decision as typed; None when nothing."""
    if not decision.text.strip():
        return OutcomeWhy.EMPTY_DECISION
    if len(decision.text) > DECISION_MAX or len(decision.responsible) > RESPONSIBLE_MAX:
        return OutcomeWhy.TOO_LONG
    if decision.due_on is not None and decision.due_on < today:
        return OutcomeWhy.DUE_PAST
    return None


def draft_why(draft: OutcomeDraft, today: date) -> OutcomeWhy | None:
    """What is wrong with an outcome as typed; None when nothing."""
    if not draft.summary.strip():
        return OutcomeWhy.NO_SUMMARY
    if len(draft.summary) > SUMMARY_MAX:
        return OutcomeWhy.TOO_LONG
    if not 0 <= draft.attended <= ATTENDED_MAX:
        return OutcomeWhy.NOT_A_NUMBER
    if any(not 0 <= g.count <= ATTENDED_MAX for g in draft.by_group):
        return OutcomeWhy.NOT_A_NUMBER
    if len(draft.decisions) > DECISIONS_MAX:
        return OutcomeWhy.TOO_MANY
    return next((w for d in draft.decisions if (w := decision_why(d, today))), None)


_DAY = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})")


def decision_of(text: str) -> Decision | None:
    """A decision typed on one line as ``text[;responsible[;day]]``, the day as YYYY-MM-DD or
    DD/MM/YYYY; None when its day is not one, or it has more parts."""
    said, who, due, *rest = (*text.split(";"), "", "")
    if any(part.strip() for part in rest):
        return None
    day = read_day(due) if due.strip() else None
    if due.strip() and day is None:
        return None
    return Decision(0, said.strip(), who.strip(), day)


def code_of(text: str) -> str:
    """A code as typed at the door, as stored: upper case, no spaces nor dashes."""
    return "".join(c for c in to_ascii_digits(text).upper() if c.isalnum())


def decision_line(decision: Decision) -> Renderable:
    """One decision as residents and organizers read it."""
    said: Renderable = _("{n}. {text}", n=decision.position, text=Verbatim(decision.text))
    if decision.responsible:
        said = lines(said, _("   Responsible: {who}", who=Verbatim(decision.responsible)))
    if decision.due_on is not None:
        said = lines(said, _("   Due by: {day}", day=decision.due_on))
    return said


def outcome_text(summary: str, decisions: Sequence[Decision]) -> Renderable:
    """The summary and decisions, the organizer's words as typed in a translated frame."""
    parts: list[Renderable] = [_("Summary: {summary}", summary=Verbatim(summary))]
    if decisions:
        parts.append(_("Decisions:"))
        parts.extend(decision_line(d) for d in decisions)
    return lines(*parts)


def attendance_line(attended: int) -> Renderable:
    return ngettext("{n} person attended.", "{n} people attended.", attended)


def outcome_notice(meeting: Meeting, outcome: OutcomeDraft) -> Renderable:
    """The push to those who answered and to the audience once the outcome is published."""
    return lines(
        _(
            "📝 What came out of the meeting “{title}” on {when}",
            title=meeting.title,
            when=meeting.starts_at,
        ),
        attendance_line(outcome.attended),
        outcome_text(outcome.summary, outcome.decisions),
    )
