"""`Community` in memory: groups, members, meetings and their answers, invites."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from conversations.groups import BUILT_IN, Answer, Group, Meeting, Redeemed
from conversations.outcome import MeetingOutcome
from tests.memory.here import Here
from tests.memory.world import Meeting as Row

DRAFT, PUBLISHED, CANCELLED = "draft", "published", "cancelled"


def built_in(here: Here, commune: str) -> None:
    """The groups every commune has, made the first time they are needed."""
    world = here.world
    for kind in BUILT_IN:
        if not any(
            g.commune_code == commune and g.kind is kind and not g.name for g in world.groups
        ):
            world.groups.append(Group(len(world.groups) + 1, commune, kind))


def view(row: Row, resident_id: int | None = None) -> Meeting:
    d = row.draft
    answer = row.answers.get(resident_id) if resident_id is not None else None
    return Meeting(
        row.id,
        d.commune_code,
        d.title,
        d.starts_at,
        d.place,
        d.agenda,
        row.status,
        d.lat,
        d.lon,
        answer,
    )


class MemoryCommunity:
    def __init__(self, here: Here) -> None:
        self.here = here

    async def groups(self) -> Sequence[Group]:
        commune = self.here.resident.commune_code or ""
        built_in(self.here, commune)
        members = self.here.world.members
        mine = [g for g in self.here.world.groups if g.commune_code == commune]
        mine.sort(key=lambda g: (g.name != "", g.id))
        return [replace(g, member=self.here.me in members.get(g.id, {})) for g in mine]

    async def join_group(self, group_id: int) -> bool:
        group = next((g for g in self.here.world.groups if g.id == group_id), None)
        if group is None or group.commune_code != self.here.resident.commune_code:
            return False
        members = self.here.world.members.setdefault(group_id, {})
        if self.here.me in members:
            return False
        members[self.here.me] = self.here.clock()
        return True

    async def leave_group(self, group_id: int) -> bool:
        return self.here.world.members.get(group_id, {}).pop(self.here.me, None) is not None

    async def upcoming_meetings(self) -> Sequence[Meeting]:
        here, now = self.here, self.here.clock()
        commune = here.resident.commune_code or ""
        joined = {g for g, members in here.world.members.items() if here.me in members}
        found = [
            m
            for m in here.world.meetings
            if m.status == PUBLISHED
            and m.draft.starts_at > now
            and (
                set(m.draft.group_ids) & joined
                if m.draft.group_ids
                else m.draft.commune_code == commune
            )
        ]
        found.sort(key=lambda m: (m.draft.starts_at, m.id))
        return [view(m, here.me) for m in found]

    async def closed_meetings(self) -> Sequence[Meeting]:
        here = self.here
        found = [
            m
            for m in here.world.meetings
            if m.outcome is not None
            and m.outcome.published_at is not None
            and (here.me in m.answers or m.draft.commune_code == here.resident.commune_code)
        ]
        found.sort(key=lambda m: (m.draft.starts_at, m.id), reverse=True)
        return [view(m, here.me) for m in found]

    async def meeting(self, meeting_id: int) -> Meeting | None:
        row = next((m for m in self.here.world.meetings if m.id == meeting_id), None)
        return view(row, self.here.me) if row else None

    async def answer_meeting(self, meeting_id: int, answer: Answer) -> bool:
        if meeting_id not in {m.id for m in await self.upcoming_meetings()}:
            return False
        row = next(m for m in self.here.world.meetings if m.id == meeting_id)
        row.answers[self.here.me] = answer
        if answer is Answer.YES and self.here.me not in row.codes:
            row.codes[self.here.me] = f"C{len(row.codes) + 1:03d}"
        return True

    async def meeting_code(self, meeting_id: int) -> str | None:
        row = next((m for m in self.here.world.meetings if m.id == meeting_id), None)
        return row.codes.get(self.here.me) if row else None

    async def meeting_outcome(self, meeting_id: int) -> MeetingOutcome | None:
        row = next((m for m in self.here.world.meetings if m.id == meeting_id), None)
        found = row.outcome if row else None
        return found if found is not None and found.published_at is not None else None

    async def meeting_calendar(self, meeting_id: int) -> str | None:
        meeting = await self.meeting(meeting_id)
        if meeting is None or meeting.answer is not Answer.YES:
            return None
        starts = meeting.starts_at.strftime("%Y%m%dT%H%M%SZ")
        return "\r\n".join(
            (
                "BEGIN:VCALENDAR",
                "BEGIN:VEVENT",
                f"DTSTART:{starts}",
                f"SUMMARY:{meeting.title}",
                "END:VEVENT",
                "END:VCALENDAR",
                "",
            )
        )

    async def redeem_invite(self, code: str) -> Redeemed:
        here = self.here
        invite = here.world.invites.get(code.strip().upper())
        if invite is None:
            redeemed = Redeemed.UNKNOWN
        elif invite.redeemed_by is not None:
            redeemed = Redeemed.USED
        elif invite.expires_at <= here.clock():
            redeemed = Redeemed.EXPIRED
        else:
            invite.redeemed_by = here.me
            here.world.scopes.append((here.me, invite.commune_code, invite.group_id))
            redeemed = Redeemed.OK
        here.audit("redeem_invite", code, redeemed is Redeemed.OK)
        return redeemed
