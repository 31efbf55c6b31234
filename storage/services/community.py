"""Groups and meetings as residents follow them, in the message's transaction."""

from __future__ import annotations

from collections.abc import Sequence

from conversations.groups import Answer, Group, Meeting, Redeemed
from conversations.meeting_desk import PAST
from conversations.outcome import MeetingOutcome
from storage import groups, meetings, outcomes
from storage.calendar import ics
from storage.services.authority import ResidentAuthority
from storage.services.bound import Bound

# The meetings to come a chat lists (a page at a time): a resident's next ones, and those an
# organizer may act on among the next ones of all.
MEETINGS_READ = 200


class SqlCommunity:
    """`Community` on storage/groups.py and storage/meetings.py."""

    def __init__(self, bound: Bound) -> None:
        self.bound = bound

    async def groups(self) -> Sequence[Group]:
        b = self.bound
        commune = b.resident.commune_code or ""
        return await b.tx.run(groups.groups_in, commune, b.me, b.clock())

    async def join_group(self, group_id: int) -> bool:
        b = self.bound
        found = await b.tx.run(groups.group, group_id)
        if found is None or found.commune_code != b.resident.commune_code:
            return False
        return await b.tx.run(groups.join, group_id, b.me, b.clock())

    async def leave_group(self, group_id: int) -> bool:
        return await self.bound.tx.run(groups.leave, group_id, self.bound.me)

    async def upcoming_meetings(self) -> Sequence[Meeting]:
        b = self.bound
        commune = b.resident.commune_code or ""
        return await b.tx.run(meetings.upcoming, commune, b.me, b.clock(), MEETINGS_READ)

    async def closed_meetings(self) -> Sequence[Meeting]:
        """The resident's meetings held lately whose outcome is published, latest first."""
        b = self.bound
        commune = b.resident.commune_code or ""
        since = b.clock() - PAST
        return await b.tx.run(meetings.closed, commune, b.me, since, MEETINGS_READ)

    async def meeting(self, meeting_id: int) -> Meeting | None:
        return await self.bound.tx.run(meetings.view, meeting_id, self.bound.me)

    async def answer_meeting(self, meeting_id: int, answer: Answer) -> bool:
        """Record an RSVP; False for a meeting that is not one of the resident's upcoming."""
        if meeting_id not in {m.id for m in await self.upcoming_meetings()}:
            return False
        b = self.bound
        await b.tx.run(meetings.answer, meeting_id, b.me, answer, b.clock())
        if answer is Answer.YES:
            await b.tx.run(outcomes.give_code, meeting_id, b.me)
        return True

    async def meeting_code(self, meeting_id: int) -> str | None:
        """The code the resident shows at the door, once they said they attend."""
        return await self.bound.tx.run(outcomes.code, meeting_id, self.bound.me)

    async def meeting_outcome(self, meeting_id: int) -> MeetingOutcome | None:
        return await self.bound.tx.run(outcomes.published, meeting_id)

    async def meeting_calendar(self, meeting_id: int) -> str | None:
        """The .ics of a meeting the resident said they attend."""
        meeting = await self.meeting(meeting_id)
        if meeting is None or meeting.answer is not Answer.YES:
            return None
        return ics(meeting, self.bound.clock())

    async def redeem_invite(self, code: str) -> Redeemed:
        b = self.bound
        redeemed = await b.tx.run(groups.redeem, code, b.me, b.clock())
        await ResidentAuthority(b).audit("redeem_invite", code, redeemed is Redeemed.OK)
        return redeemed
