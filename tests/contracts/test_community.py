"""The contract of `Community`: the groups of one's commune, the meetings to come and the
answers to them, invites."""

from __future__ import annotations

from datetime import timedelta

from conversations.groups import BUILT_IN, Answer, MeetingDraft, Redeemed
from conversations.seams import ConversationStore
from tests.support.clock import Clock
from tests.support.contracts import ADMIN, BEN_MSICK, acting, settle_in

AGADIR = "001.01.01"


async def test_the_groups_of_ones_commune(store: ConversationStore) -> None:
    await settle_in(store, "amina")
    await settle_in(store, "karim", AGADIR)
    async with acting(store, "karim") as services:
        elsewhere = (await services.community.groups())[0]
    async with acting(store, "amina") as services:
        groups = await services.community.groups()
        youth = groups[0]
        joined = await services.community.join_group(youth.id)
        twice = await services.community.join_group(youth.id)
        not_mine = await services.community.join_group(elsewhere.id)
        marked = await services.community.groups()
    assert [g.kind for g in groups] == list(BUILT_IN) and not any(g.member for g in groups)
    assert {g.commune_code for g in groups} == {BEN_MSICK}
    assert (joined, twice, not_mine) == (True, False, False)
    assert [g.member for g in marked] == [True, False, False]
    async with acting(store, "amina") as services:
        assert await services.community.leave_group(youth.id)
        assert not await services.community.leave_group(youth.id)
        assert not any(g.member for g in await services.community.groups())


async def test_the_meetings_to_come_and_the_answers(store: ConversationStore, clock: Clock) -> None:
    await settle_in(store, "amina")
    await settle_in(store, "karim", AGADIR)
    starts = clock() + timedelta(days=3)
    new = MeetingDraft(BEN_MSICK, "Consultation budget", starts, "Maison des jeunes", "Budget")
    async with acting(store, ADMIN) as services:
        meeting_id = await services.organizing.create_meeting(new)
    assert meeting_id is not None
    async with acting(store, "amina") as services:
        assert await services.community.upcoming_meetings() == [], "a draft is not shown"
        assert not await services.community.answer_meeting(meeting_id, Answer.YES)
    async with acting(store, ADMIN) as services:
        assert await services.organizing.publish_meeting(meeting_id)
    async with acting(store, "amina") as services:
        (upcoming,) = await services.community.upcoming_meetings()
        assert await services.community.meeting_calendar(meeting_id) is None, "not answered"
        assert await services.community.answer_meeting(meeting_id, Answer.YES)
        seen = await services.community.meeting(meeting_id)
        calendar = await services.community.meeting_calendar(meeting_id)
    assert (upcoming.id, upcoming.title, upcoming.starts_at) == (meeting_id, new.title, starts)
    assert upcoming.answer is None and upcoming.place == "Maison des jeunes"
    assert seen is not None and seen.answer is Answer.YES
    assert calendar is not None and calendar.startswith("BEGIN:VCALENDAR")
    assert "Consultation budget" in calendar
    async with acting(store, "karim") as services:
        assert await services.community.upcoming_meetings() == [], "another commune's"
        assert not await services.community.answer_meeting(meeting_id, Answer.NO)
        assert await services.community.meeting(meeting_id + 1000) is None


async def test_an_unknown_invite_makes_no_organizer(store: ConversationStore) -> None:
    await settle_in(store, "amina")
    async with acting(store, "amina") as services:
        assert await services.community.redeem_invite("NOPE2345") is Redeemed.UNKNOWN
        assert not await services.organizing.is_organizer()
