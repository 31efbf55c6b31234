"""An organizer's meeting actions — create, publish, move, cancel, count the answers, check in
at the door, record and publish the outcome — once,
for the chat (storage/services/organizing.py) and the command line (storage/operator.py).

Each try is checked against the authority's scope and audited, allowed when the change was
made: a refused one changes nothing else, and when the meeting refused it (there is none, it is
not in the state the change needs, its time has passed) `refusal` says why.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Connection

from conversations.groups import Audience, Counts, MeetingDraft
from conversations.outcome import CheckedIn, MeetingOutcome, OutcomeDraft, OutcomeError
from storage import meetings, outcomes
from storage.meetings import MeetingError
from storage.services.authority import Authority

Change = Callable[[Connection, int, str, datetime], object]


class MeetingActions:
    """The meeting actions of one authority, in its transaction."""

    def __init__(self, authority: Authority) -> None:
        self.authority = authority
        self.refusal: MeetingError | OutcomeError | None = None

    async def create(self, draft: MeetingDraft) -> int | None:
        """Store a draft meeting for the audience of its commune and groups; its id."""
        a = self.authority
        audience = Audience(draft.commune_code, draft.group_ids)
        if not await a.may(audience, "create_meeting", draft.title):
            return None
        return await a.tx.run(meetings.create, draft, a.organizer, a.clock())

    async def publish(self, meeting_id: int) -> bool:
        return await self._on_meeting(meeting_id, "publish_meeting", meetings.publish)

    async def move(self, meeting_id: int, starts_at: datetime) -> bool:
        def move(conn: Connection, mid: int, actor: str, now: datetime) -> None:
            meetings.move(conn, mid, starts_at, actor, now)

        return await self._on_meeting(meeting_id, "move_meeting", move)

    async def cancel(self, meeting_id: int) -> bool:
        return await self._on_meeting(meeting_id, "cancel_meeting", meetings.cancel)

    async def counts(self, meeting_id: int) -> Counts | None:
        """How many said they attend, may attend, will not."""
        if not await self._on_meeting(meeting_id, "rsvps_meeting", None):
            return None
        return await self.authority.tx.run(meetings.counts, meeting_id)

    async def check_in(self, meeting_id: int, code: str) -> CheckedIn | None:
        """Mark attended the RSVP of the code typed at the door; None when refused."""
        said: list[CheckedIn] = []

        def check(conn: Connection, mid: int, _actor: str, now: datetime) -> None:
            said.append(outcomes.check_in(conn, mid, code, now))

        if not await self._on_meeting(meeting_id, "check_in", check):
            return None
        return said[0]

    async def record_outcome(self, meeting_id: int, draft: OutcomeDraft) -> bool:
        def record(conn: Connection, mid: int, actor: str, now: datetime) -> None:
            outcomes.record(conn, mid, draft, actor, now)

        return await self._on_meeting(meeting_id, "record_outcome", record)

    async def publish_outcome(self, meeting_id: int) -> bool:
        return await self._on_meeting(meeting_id, "publish_outcome", outcomes.publish)

    async def outcome(self, meeting_id: int) -> MeetingOutcome | None:
        """The recorded outcome, published or not, within the scope."""
        if not await self._on_meeting(meeting_id, "see_outcome", None):
            return None
        return await self.authority.tx.run(outcomes.outcome, meeting_id)

    async def _on_meeting(self, meeting_id: int, action: str, change: Change | None) -> bool:
        a = self.authority
        self.refusal = None
        try:
            audience = await a.tx.run(meetings.audience, meeting_id)
            allowed = await a.covers(audience) is not None
            if allowed and change is not None:
                await a.tx.run(change, meeting_id, a.organizer, a.clock())
        except (MeetingError, OutcomeError) as error:
            self.refusal = error
            allowed = False
        return await a.audit(action, str(meeting_id), allowed)
