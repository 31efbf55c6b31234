""" "Is it fixed?": a report's reporter and followers are asked once, 4 weeks after it was marked
resolved or after 8 weeks without any answer, whether the problem is fixed (as FixMyStreet's
questionnaire asks). A "no" reopens a resolved report, the history saying so; a "yes" confirms
it (and resolves one that was never answered). The share of "not fixed" is counted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from conversations.report import ReportStatus
from conversations.text import Renderable, _

AFTER_RESOLVED = timedelta(weeks=4)
AFTER_SILENCE = timedelta(weeks=8)


class Said(StrEnum):
    FIXED = "fixed"
    NOT_FIXED = "not_fixed"


@dataclass(frozen=True, slots=True)
class Pending:
    """A report a resident is asked about, and whether it was marked resolved."""

    ref: str
    resolved: bool


def question(pending: Pending) -> Renderable:
    if pending.resolved:
        return _(
            "Your report {ref} was marked resolved a few weeks ago. Is the problem fixed?",
            ref=pending.ref,
        )
    return _(
        "Your report {ref} has had no answer for 8 weeks. Is the problem fixed?",
        ref=pending.ref,
    )


def notice(ref: str, resolved: bool) -> Renderable:
    """The push that asks: the question itself is in the chat, under My activity."""
    return _(
        "Is it fixed? {question} Answer from the menu: My activity.",
        question=question(Pending(ref, resolved)),
    )


def move(said: Said, status: ReportStatus) -> ReportStatus | None:
    """The status a resident's answer gives the report; None when the answer is only counted
    (a "no" on a report still unanswered, a "yes" on one already resolved). The history records
    the change under `actor(said)`."""
    if said is Said.NOT_FIXED:
        return ReportStatus.RECEIVED if status is ReportStatus.RESOLVED else None
    return ReportStatus.RESOLVED if status is not ReportStatus.RESOLVED else None


def actor(said: Said) -> str:
    """Who the report's history credits a change to: the residents' answer, which organizers
    read in the history of the report ("residents: not fixed")."""
    return f"residents: {said.value.replace('_', ' ')}"


@dataclass(frozen=True, slots=True)
class FixedRate:
    asked: int
    answered: int
    not_fixed: int

    @property
    def share(self) -> float:
        """Of the answers, the share that said "not fixed"."""
        return self.not_fixed / self.answered if self.answered else 0.0
