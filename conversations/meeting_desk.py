"""The dashboard's meetings and updates: what an organizer reads and does there, as plain data
and a Protocol, and the checks of what they typed against the chat's own limits.

`storage` implements `MeetingDesk` through the chat's and the command line's actions, within the
organizer's scope and audited; the dashboard's routes show what it returns.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

from conversations.desk import Done, Outcome, Signed, UpdateFigures
from conversations.groups import Audience, Counts, Meeting, MeetingDraft, Reach
from conversations.organizer_meetings import AGENDA_MAX, PLACE_MAX, TITLE_MAX
from conversations.outcome import MeetingOutcome, OutcomeDraft
from conversations.petition_desk import Download, FilingKind

# Meetings held this long ago still show in the list, with their answers.
PAST = timedelta(days=30)
# Updates shown in the list, newest first.
UPDATES_LISTED = 50


class DeskWhy(StrEnum):
    """Why a meeting or an update was not saved (`Outcome.why` of an INVALID one)."""

    TITLE = "title"
    PLACE = "place"
    AGENDA = "agenda"
    # The meeting's time, the new time, or the update's planned time has passed.
    PAST = "past"
    # Already published, cancelled, or not published yet: the change does not apply.
    STATE = "state"
    NO_TEXT = "no_text"
    TOO_LONG = "too_long"


@dataclass(frozen=True, slots=True)
class Made:
    """What became of a new meeting or update, and its number when it was made."""

    outcome: Outcome
    number: int = 0


@dataclass(frozen=True, slots=True)
class Closing:
    """Whether a meeting was held (an outcome may be recorded), and its outcome if recorded."""

    held: bool
    outcome: MeetingOutcome | None = None


def draft_why(draft: MeetingDraft, now: datetime) -> DeskWhy | None:
    """What is wrong with a meeting as typed, within the chat's limits; None when nothing."""
    for field, text, most in (
        (DeskWhy.TITLE, draft.title, TITLE_MAX),
        (DeskWhy.PLACE, draft.place, PLACE_MAX),
        (DeskWhy.AGENDA, draft.agenda, AGENDA_MAX),
    ):
        if not text or len(text) > most:
            return field
    return DeskWhy.PAST if draft.starts_at <= now else None


def update_why(
    texts: Sequence[tuple[str, str]], limit: int, at: datetime, now: datetime
) -> DeskWhy | None:
    """What is wrong with an update as typed: no text, one longer than ``limit``, or a planned
    time already passed; None when nothing."""
    if not texts or not all(text for _, text in texts):
        return DeskWhy.NO_TEXT
    if any(len(text) > limit for _, text in texts):
        return DeskWhy.TOO_LONG
    return DeskWhy.PAST if at < now - timedelta(minutes=1) else None


class MeetingDesk(Protocol):
    """An organizer's meetings and updates, one transaction each, within their scope: what
    is outside it is REFUSED (audited) and nothing changes."""

    @property
    def text_limit(self) -> int:
        """The longest text of an update, in each language: what every channel carries."""
        ...

    async def meetings(self, who: Signed) -> Sequence[tuple[Meeting, Counts]]:
        """Drafts and meetings to come, and those of the last `PAST`, soonest first, each with
        its answers."""
        ...

    async def meeting(self, who: Signed, meeting_id: int) -> tuple[Meeting, Counts] | Done: ...

    async def reach(self, who: Signed) -> Reach:
        """The communes and groups the organizer may address."""
        ...

    async def recipients(self, who: Signed, audience: Audience) -> int | Done:
        """How many residents an update to ``audience`` would reach now."""
        ...

    async def create_meeting(self, who: Signed, draft: MeetingDraft, publish: bool) -> Made:
        """A draft meeting for ``draft``'s audience (a group's commune is found from it),
        published at once when asked, as the chat and `hayna meetings` do."""
        ...

    async def publish_meeting(self, who: Signed, meeting_id: int) -> Outcome: ...

    async def move_meeting(self, who: Signed, meeting_id: int, starts_at: datetime) -> Outcome: ...

    async def cancel_meeting(self, who: Signed, meeting_id: int) -> Outcome: ...

    async def closing(self, who: Signed, meeting_id: int) -> Closing:
        """Whether the meeting was held, and its outcome as recorded (published or not)."""
        ...

    async def record_outcome(
        self, who: Signed, meeting_id: int, draft: OutcomeDraft, publish: bool
    ) -> Outcome:
        """Record a held meeting's outcome, published at once when asked; INVALID with the
        `OutcomeWhy` in `Outcome.why` when a rule refuses it."""
        ...

    async def publish_outcome(self, who: Signed, meeting_id: int) -> Outcome: ...

    async def export_outcome(
        self, who: Signed, meeting_id: int, kind: FilingKind
    ) -> Download | Done:
        """Its outcome as `hayna meetings export --format csv|pdf` writes it; MISSING when none
        is recorded."""
        ...

    async def updates(self, who: Signed) -> Sequence[UpdateFigures]:
        """The scope's last updates, newest first, with where their deliveries stand."""
        ...

    async def update(self, who: Signed, update_id: int) -> UpdateFigures | Done: ...

    async def send_update(
        self, who: Signed, texts: Sequence[tuple[str, str]], audience: Audience, at: datetime
    ) -> Made:
        """Plan an update, one text per language, for ``at`` (now or later); its number, and
        in `Outcome.told` how many it goes to."""
        ...
