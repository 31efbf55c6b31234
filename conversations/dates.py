"""The day and time an organizer types for a meeting or an update: the seam that reads it, the
numeric reading every build has, and what the organizer is told when it cannot be used.

Reading words such as "demain 18h" or "غدا 18:00" takes a language library; `bot/` plugs one
in through `DateReader`, so flows stay free of it and tests may use the numeric reading alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Protocol

from conversations.folding import to_ascii_digits
from conversations.kit import MOROCCO, Reply
from conversations.text import Renderable, Verbatim, _, lines

# The example offered is a week from today at this hour: a plausible evening meeting.
EXAMPLE_HOUR = 18
# What the organizer typed is quoted back at most this long.
QUOTED = 40


class Problem(StrEnum):
    UNREADABLE = "unreadable"
    # A day or time that does not exist: 31/02, 25:00.
    IMPOSSIBLE = "impossible"
    # A day without a time of day.
    NO_TIME = "no_time"
    PAST = "past"


@dataclass(frozen=True, slots=True)
class Reading:
    """What a typed day and time came to: a moment (UTC), or why it cannot be used. A moment
    past is kept, to be shown."""

    at: datetime | None = None
    problem: Problem | None = None

    @property
    def moment(self) -> datetime | None:
        return self.at if self.problem is None else None


class DateReader(Protocol):
    """Reads a day and time typed in Moroccan time, in the organizer's language."""

    def read(self, text: str, now: datetime, locale: str) -> Reading: ...


_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]+(\d{1,2})[:h.](\d{2}))?")
_DMY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T]+(\d{1,2})[:h.](\d{2}))?")


_DAY_FIRST = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})")
_YEAR_FIRST = re.compile(r"(\d{4})[/.\-](\d{1,2})[/.\-](\d{1,2})")


def read_day(typed: str) -> date | None:
    """A day typed day first (``05/01/2026``, as in Morocco) or year first (``2026-01-05``),
    in any digit script; None when it is no date."""
    text = to_ascii_digits(typed).strip()
    if found := _DAY_FIRST.fullmatch(text):
        day, month, year = (int(part) for part in found.groups())
    elif found := _YEAR_FIRST.fullmatch(text):
        year, month, day = (int(part) for part in found.groups())
    else:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def numeric(text: str) -> Reading | None:
    """``2026-12-05 18:00`` or ``05/12/2026 18h00`` (its date alone says NO_TIME); None for
    anything else. The moment is not yet compared with now."""
    typed = to_ascii_digits(text).strip()
    if found := _ISO.fullmatch(typed):
        year, month, day, hour, minute = found.groups()
    elif found := _DMY.fullmatch(typed):
        day, month, year, hour, minute = found.groups()
    else:
        return None
    try:
        moment = datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0))
    except ValueError:
        return Reading(problem=Problem.IMPOSSIBLE)
    if hour is None:
        return Reading(problem=Problem.NO_TIME)
    return Reading(moment.replace(tzinfo=MOROCCO).astimezone(UTC))


def to_come(reading: Reading, now: datetime) -> Reading:
    """``reading`` with a moment not after ``now`` marked as past."""
    if reading.problem is None and reading.at is not None and reading.at <= now:
        return Reading(reading.at, Problem.PAST)
    return reading


class NumericDates:
    """The reading with no language library: the two numeric forms only."""

    def read(self, text: str, now: datetime, locale: str) -> Reading:
        return to_come(numeric(text) or Reading(problem=Problem.UNREADABLE), now)


def example(now: datetime) -> str:
    """A week from today at 18:00, Moroccan time, as the organizer can type it."""
    day = now.astimezone(MOROCCO).date() + timedelta(days=7)
    return f"{day.isoformat()} {EXAMPLE_HOUR}:00"


def ask_when(now: datetime) -> Reply:
    # TRANSLATORS: the quoted example is typed by organizers as is: keep it a phrase Hayna
    # reads in this language ("demain 18h", "غدا 18:00"...).
    return Reply(
        _(
            "When? Type the day and time in Moroccan time, for example {example} or "
            "“tomorrow 18:00”.",
            example=example(now),
        )
    )


def why_not(reading: Reading, typed: str, now: datetime) -> Reply:
    """What is wrong with a day and time that cannot be used, and what would do instead."""
    quoted = Verbatim(" ".join(typed.split())[:QUOTED])
    instead = example(now)
    said: Renderable
    match reading.problem:
        case Problem.PAST:
            said = _(
                "{when} has already passed. Please type a day and time to come, for example "
                "{example}.",
                when=reading.at or now,
                example=instead,
            )
        case Problem.IMPOSSIBLE:
            said = _(
                "“{typed}” is not a day of the calendar. Please check the day and month, for "
                "example {example}.",
                typed=quoted,
                example=instead,
            )
        case Problem.NO_TIME:
            said = _(
                "“{typed}” has no time of day. Please add the time, for example {example}.",
                typed=quoted,
                example=instead,
            )
        case _:
            unread = _("I could not read “{typed}” as a day and time.", typed=quoted)
            said = lines(unread, ask_when(now).text)
    return Reply(said)
