"""The council's answer clock, as data and pure functions: once a petition is filed, the legal
delay to answer it runs from its deposit day; the organizer is reminded before it ends, and the
signers are told when it ends unanswered.

Organic law 113.14 as commonly cited (not verified against the official text): the council
answers a rejected petition, with its reasons, within three months of its deposit. The delay is
a setting (HAYNA_ANSWER_DELAY_MONTHS); the due day a petition got when it was filed is stored
with it, so a later change of the setting does not move it.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from conversations.petition import PetitionKind, PetitionLife
from conversations.petition_rules import PetitionWhy
from conversations.text import Renderable, _

DELAY_MONTHS = 3
REMINDER_LEAD = timedelta(days=14)
RECEIPT_MAX = 40
# The clock runs while the petition waits at the commune: the council's decision, its answer
# (or a closing) stops it.
AWAITING = frozenset({PetitionLife.FILED})


def due_day(deposited: date, months: int = DELAY_MONTHS) -> date:
    """The same day ``months`` calendar months after the deposit; the month's last day when it
    has no such day (30 November for a deposit on 31 August)."""
    index = deposited.month - 1 + months
    year, month = deposited.year + index // 12, index % 12 + 1
    return date(year, month, min(deposited.day, calendar.monthrange(year, month)[1]))


def reminder_day(due: date) -> date:
    """The day the organizer is reminded that the delay ends soon."""
    return due - REMINDER_LEAD


def remind_now(due: date, today: date) -> bool:
    """Whether the reminder is due (from its day until the delay ends; after, the end notice
    says it all)."""
    return reminder_day(due) <= today < due


def lapsed(due: date, today: date) -> bool:
    """Whether the delay has ended: on the due day the signers are told no answer came."""
    return today >= due


@dataclass(frozen=True, slots=True)
class Deposit:
    """What filing records: the commune's receipt number, the deposit day, the delay that
    applies (in months)."""

    receipt: str
    deposited_on: date
    months: int = DELAY_MONTHS

    @property
    def due_on(self) -> date:
        return due_day(self.deposited_on, self.months)


def deposit_refusal(deposit: Deposit, today: date, opened_on: date | None) -> PetitionWhy | None:
    """What is wrong with a deposit: no receipt, one too long, a day ahead of ``today`` (in
    Morocco) or before the petition was opened; None when it may be recorded."""
    receipt = deposit.receipt.strip()
    if not receipt:
        return PetitionWhy.NO_RECEIPT
    if len(receipt) > RECEIPT_MAX:
        return PetitionWhy.RECEIPT_LENGTH
    if deposit.deposited_on > today:
        return PetitionWhy.DEPOSIT_AHEAD
    if opened_on is not None and deposit.deposited_on < opened_on:
        return PetitionWhy.DEPOSIT_BEFORE_OPENING
    return None


@dataclass(frozen=True, slots=True)
class Awaiting:
    """A filed petition waiting for the council: since when, until when, as of ``today``."""

    deposited_on: date
    due_on: date
    today: date

    @property
    def days(self) -> int:
        """Days since the deposit."""
        return max(0, (self.today - self.deposited_on).days)

    @property
    def overdue(self) -> int:
        """Days past the due day; 0 while the delay runs."""
        return max(0, (self.today - self.due_on).days)


def awaiting(
    life: PetitionLife, deposited_on: date | None, due_on: date | None, today: date
) -> Awaiting | None:
    """The clock of a petition, or None when it is not waiting for the council's answer."""
    if life not in AWAITING or deposited_on is None or due_on is None:
        return None
    return Awaiting(deposited_on, due_on, today)


def overdue_first(clock: Awaiting | None) -> int:
    """A sort key that puts the overdue petitions first, the longest overdue at the top, and
    keeps every other in its place (sorting is stable)."""
    return -clock.overdue if clock is not None and clock.overdue else 0


def reminder_notice(code: str, title: str, due: date) -> Renderable:
    """The organizer's reminder, two weeks before the delay ends."""
    return _(
        "Reminder: the council's legal delay to answer the petition “{title}” ({code}) ends on "
        "{date}. If it has answered, record its answer; otherwise prepare to tell the signers.",
        title=title,
        code=code,
        date=due,
    )


def lapse_notice(
    code: str, title: str, due: date, kind: PetitionKind = PetitionKind.RESIDENTS
) -> Renderable:
    """What every signer (or supporter) is told when the delay ends without an answer."""
    if kind is PetitionKind.ASSOCIATION:
        return _(
            "The council has not answered the association's petition “{title}” ({code}) you "
            "supported within the legal delay, which ended on {date}. You can ask the "
            "association what comes next; its representative can turn to the president of the "
            "council or to the supervising authority.",
            title=title,
            code=code,
            date=due,
        )
    return _(
        "The council has not answered the petition “{title}” ({code}) you signed within the "
        "legal delay, which ended on {date}. You can ask the association or the organizers "
        "what comes next; the petition's representative can turn to the president of the "
        "council or to the supervising authority.",
        title=title,
        code=code,
        date=due,
    )
