"""The services of groups, meetings and broadcasts, in the message's transaction.

Every organizer action is checked here, not only in the flow, and written to the audit log
whether it was allowed or not: a refused one returns None (or False) and changes nothing else.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Connection, func, select

from conversations.groups import (
    Answer,
    Audience,
    Counts,
    DeliveryReport,
    Group,
    GroupKind,
    Meeting,
    MeetingDraft,
    Reach,
    Redeemed,
)
from storage import announcements, groups, meetings
from storage.announcements import Kind
from storage.calendar import ics
from storage.groups import Scope
from storage.meetings import Life, MeetingError
from storage.models import ANNOUNCEMENT, COMMUNITY_GROUP

if TYPE_CHECKING:
    from storage.store import SqlUnit


# The meetings to come a chat lists (a page at a time): a resident's next ones, and those an
# organizer may act on among the next ones of all.
MEETINGS_READ = 200


class GroupServices:
    """Mixed into `SqlServices`: residents' groups and meetings, organizers' actions."""

    unit: SqlUnit

    # Residents.

    async def groups(self) -> Sequence[Group]:
        commune = self.unit.resident.commune_code or ""
        return await self.unit.tx.run(groups.groups_in, commune, self._rid, self.unit.clock())

    async def join_group(self, group_id: int) -> bool:
        found = await self.unit.tx.run(groups.group, group_id)
        if found is None or found.commune_code != self.unit.resident.commune_code:
            return False
        return await self.unit.tx.run(groups.join, group_id, self._rid, self.unit.clock())

    async def leave_group(self, group_id: int) -> bool:
        return await self.unit.tx.run(groups.leave, group_id, self._rid)

    async def upcoming_meetings(self) -> Sequence[Meeting]:
        commune = self.unit.resident.commune_code or ""
        now = self.unit.clock()
        return await self.unit.tx.run(meetings.upcoming, commune, self._rid, now, MEETINGS_READ)

    async def meeting(self, meeting_id: int) -> Meeting | None:
        return await self.unit.tx.run(meetings.view, meeting_id, self._rid)

    async def answer_meeting(self, meeting_id: int, answer: Answer) -> bool:
        """Record an RSVP; False for a meeting that is not one of the resident's upcoming."""
        if meeting_id not in {m.id for m in await self.upcoming_meetings()}:
            return False
        now = self.unit.clock()
        await self.unit.tx.run(meetings.answer, meeting_id, self._rid, answer, now)
        return True

    async def meeting_calendar(self, meeting_id: int) -> str | None:
        """The .ics of a meeting the resident said they attend."""
        meeting = await self.meeting(meeting_id)
        if meeting is None or meeting.answer is not Answer.YES:
            return None
        return ics(meeting, self.unit.clock())

    async def redeem_invite(self, code: str) -> Redeemed:
        now = self.unit.clock()
        redeemed = await self.unit.tx.run(groups.redeem, code, self._rid, now)
        await self._audit("redeem_invite", code, redeemed is Redeemed.OK)
        return redeemed

    # Organizers: each action is checked against the scope and audited.

    async def is_organizer(self) -> bool:
        return bool(await self._scope())

    async def organizer_reach(self) -> Reach | None:
        scope = await self._scope()
        if not await self._audit("see_reach", "", bool(scope)):
            return None
        if scope.everywhere:
            home = self.unit.resident.commune_code
            communes: tuple[str, ...] = (home,) if home else ()
            now = self.unit.clock()
            if home:
                await self.unit.tx.run(groups.ensure_built_in, home, now)
        else:
            communes = tuple(sorted(scope.communes))
            for commune in communes:
                await self.unit.tx.run(groups.ensure_built_in, commune, self.unit.clock())
        found = await self.unit.tx.run(groups.groups_within, scope, self.unit.resident.commune_code)
        return Reach(communes, tuple(found))

    async def audience_size(self, audience: Audience) -> int | None:
        settled = await self._may(audience, "count_audience", audience.commune_code)
        if settled is None:
            return None
        return await self.unit.tx.run(announcements.audience_size, settled)

    async def broadcast(
        self, texts: Sequence[tuple[str, str]], audience: Audience, at: datetime, photo: str = ""
    ) -> int | None:
        """Plan an update, one text per language (the first for every other language), maybe
        with a photo still on the organizer's channel (the dispatcher fetches it)."""
        settled = await self._may(audience, "broadcast", audience.commune_code)
        if settled is None or not texts:
            return None
        body = await self.unit.tx.run(
            announcements.update_body, settled, texts, self.unit.gazetteer
        )
        now = self.unit.clock()
        source = (self.unit.address.channel, photo) if photo else None
        return await self.unit.tx.run(
            announcements.create,
            Kind.BROADCAST,
            settled,
            body,
            max(at, now),
            self._organizer,
            now,
            None,
            None,
            source,
        )

    async def delivery_report(self, announcement_id: int) -> DeliveryReport | None:
        audience = await self.unit.tx.run(_audience_of_announcement, announcement_id)
        if audience is None or not await self._may(audience, "report", str(announcement_id)):
            return None
        return await self.unit.tx.run(announcements.report, announcement_id)

    async def create_group(self, commune: str, kind: GroupKind, name: str) -> int | None:
        if not await self._may(Audience(commune), "create_group", name):
            return None
        now = self.unit.clock()
        return await self.unit.tx.run(
            groups.create_group, commune, kind, name, self._organizer, now
        )

    async def create_meeting(self, draft: MeetingDraft) -> int | None:
        audience = Audience(draft.commune_code, draft.group_ids)
        if not await self._may(audience, "create_meeting", draft.title):
            return None
        now = self.unit.clock()
        return await self.unit.tx.run(meetings.create, draft, self._organizer, now)

    async def publish_meeting(self, meeting_id: int) -> bool:
        return await self._on_meeting(meeting_id, "publish_meeting", meetings.publish)

    async def move_meeting(self, meeting_id: int, starts_at: datetime) -> bool:
        def move(conn: Connection, mid: int, actor: str, now: datetime) -> None:
            meetings.move(conn, mid, starts_at, actor, now)

        return await self._on_meeting(meeting_id, "move_meeting", move)

    async def cancel_meeting(self, meeting_id: int) -> bool:
        return await self._on_meeting(meeting_id, "cancel_meeting", meetings.cancel)

    async def organizer_meetings(self) -> Sequence[Meeting] | None:
        """Drafts and published meetings to come, within the organizer's reach."""
        scope = await self._scope()
        if not await self._audit("list_meetings", "", bool(scope)):
            return None
        # The next ones only, not every meeting ever held (each is checked against the scope).
        found = await self.unit.tx.run(meetings.to_come, self.unit.clock(), MEETINGS_READ)
        mine = []
        for meeting in found:
            if scope.covers(await self.unit.tx.run(meetings.audience, meeting.id)):
                mine.append(meeting)
        return mine

    async def meeting_counts(self, meeting_id: int) -> Counts | None:
        audience = await self._meeting_audience(meeting_id)
        if audience is None or not await self._may(audience, "meeting_counts", str(meeting_id)):
            return None
        return await self.unit.tx.run(meetings.counts, meeting_id)

    async def _on_meeting(
        self,
        meeting_id: int,
        action: str,
        change: Callable[[Connection, int, str, datetime], object],
    ) -> bool:
        audience = await self._meeting_audience(meeting_id)
        if audience is None or not await self._may(audience, action, str(meeting_id)):
            return False
        meeting = await self.unit.tx.run(meetings.view, meeting_id)
        if meeting is None or meeting.status == Life.CANCELLED:
            return False
        try:
            await self.unit.tx.run(change, meeting_id, self._organizer, self.unit.clock())
        except MeetingError:
            return False
        return True

    async def _meeting_audience(self, meeting_id: int) -> Audience | None:
        try:
            return await self.unit.tx.run(meetings.audience, meeting_id)
        except MeetingError:
            return None

    async def _scope(self) -> Scope:
        if self.unit.address in self.unit.organizers:
            return Scope(everywhere=True)
        return await self.unit.tx.run(groups.scope_of, self._rid)

    async def _may(self, audience: Audience, action: str, target: str) -> Audience | None:
        """The audience with its commune settled, when the resident may address it."""
        settled = await self.unit.tx.run(_settled, audience)
        allowed = settled is not None and (await self._scope()).covers(settled)
        return settled if await self._audit(action, target, allowed) else None

    async def _audit(self, action: str, target: str, allowed: bool) -> bool:
        now = self.unit.clock()
        await self.unit.tx.run(
            groups.audit, self._rid, self._organizer, action, target, allowed, now
        )
        return allowed

    @property
    def _organizer(self) -> str:
        # The channel and the resident's number, never their phone number or chat id: the
        # audit log outlives an erasure, which only unlinks resident_id.
        return groups.organizer_label(self.unit.address.channel, self._rid)

    @property
    def _rid(self) -> int:
        return self.unit.resident.id


def _audience_of_announcement(conn: Connection, announcement_id: int) -> Audience | None:
    row = conn.execute(
        select(ANNOUNCEMENT.c.commune_code, ANNOUNCEMENT.c.group_ids).where(
            ANNOUNCEMENT.c.id == announcement_id
        )
    ).first()
    if row is None:
        return None
    return announcements.audience_of(row)


def _settled(conn: Connection, audience: Audience) -> Audience | None:
    """An audience of groups takes their commune; groups of several communes, or unknown ones,
    make no audience."""
    if not audience.group_ids:
        return audience if audience.commune_code else None
    communes = set(
        conn.execute(
            select(COMMUNITY_GROUP.c.commune_code).where(
                COMMUNITY_GROUP.c.id.in_(audience.group_ids)
            )
        ).scalars()
    )
    found = conn.execute(
        select(func.count()).where(COMMUNITY_GROUP.c.id.in_(audience.group_ids))
    ).scalar_one()
    if len(communes) != 1 or found != len(set(audience.group_ids)):
        return None
    commune = communes.pop()
    if audience.commune_code not in ("", commune):
        return None
    return Audience(commune, tuple(sorted(set(audience.group_ids))))
