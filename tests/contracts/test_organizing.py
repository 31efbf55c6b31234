"""The contract of `Organizing`: a resident may do none of it; an organizer reaches their
commune's residents, groups and meetings."""

from __future__ import annotations

from datetime import timedelta

from conversations.groups import Answer, Audience, Counts, GroupKind, MeetingDraft
from conversations.seams import ConversationStore, Services
from tests.support.clock import Clock
from tests.support.contracts import ADMIN, BEN_MSICK, acting, settle_in


async def test_a_resident_may_do_none_of_it(store: ConversationStore, clock: Clock) -> None:
    await settle_in(store, "amina")
    later = clock() + timedelta(days=3)
    everyone = Audience(BEN_MSICK)
    async with acting(store, "amina") as services:
        o = services.organizing
        assert not await o.is_organizer()
        assert await o.organizer_reach() is None
        assert await o.audience_size(everyone) is None
        assert await o.broadcast((("fr", "Faux"),), everyone, later) is None
        assert await o.create_group(BEN_MSICK, GroupKind.ASSOCIATION, "Fausse") is None
        assert await o.create_meeting(MeetingDraft(BEN_MSICK, "x", later, "y", "z")) is None
        assert await o.organizer_meetings() is None


async def test_an_organizer_reaches_their_commune(store: ConversationStore, clock: Clock) -> None:
    for user in ("amina", "karim", ADMIN):
        await settle_in(store, user)
    async with acting(store, "karim") as services:
        await services.profile.set_pushes(False)
    async with acting(store, ADMIN) as services:
        o = services.organizing
        assert await o.is_organizer()
        reach = await o.organizer_reach()
        size = await o.audience_size(Audience(BEN_MSICK))
        update = await o.broadcast((("fr", "Réunion samedi"),), Audience(BEN_MSICK), clock())
        association = await o.create_group(BEN_MSICK, GroupKind.ASSOCIATION, "Amal")
        again = await o.create_group(BEN_MSICK, GroupKind.ASSOCIATION, "Amal")
        wider = await o.organizer_reach()
        nobody = await o.broadcast((), Audience(BEN_MSICK), clock())
        mixed = await o.audience_size(Audience("", (10_000,)))
    assert reach is not None and reach.communes == (BEN_MSICK,)
    assert len(reach.groups) == 3 and {g.commune_code for g in reach.groups} == {BEN_MSICK}
    assert size == 2, "amina and the admin: karim said stop"
    assert update is not None and association is not None and association == again
    assert wider is not None and association in {g.id for g in wider.groups}
    assert nobody is None and mixed is None
    async with acting(store, ADMIN) as services:
        report = await services.organizing.delivery_report(update)
        unknown = await services.organizing.delivery_report(update + 1000)
    assert report is not None and (report.id, report.recipients, report.queued) == (update, 2, 2)
    assert unknown is None


async def _meeting(services: Services, clock: Clock) -> int:
    new = MeetingDraft(BEN_MSICK, "Consultation", clock() + timedelta(days=3), "Salle", "Budget")
    meeting_id = await services.organizing.create_meeting(new)
    assert meeting_id is not None
    return meeting_id


async def test_a_meeting_from_draft_to_cancelled(store: ConversationStore, clock: Clock) -> None:
    for user in ("amina", ADMIN):
        await settle_in(store, user)
    async with acting(store, ADMIN) as services:
        o = services.organizing
        meeting_id = await _meeting(services, clock)
        assert not await o.move_meeting(meeting_id, clock() + timedelta(days=4)), "a draft"
        assert await o.publish_meeting(meeting_id)
        assert not await o.publish_meeting(meeting_id), "published already"
        assert not await o.move_meeting(meeting_id, clock() - timedelta(hours=1)), "past"
        assert await o.move_meeting(meeting_id, clock() + timedelta(days=5))
        assert not await o.publish_meeting(meeting_id + 1000)
    async with acting(store, "amina") as services:
        (seen,) = await services.community.upcoming_meetings()
        assert await services.community.answer_meeting(meeting_id, Answer.YES)
    async with acting(store, ADMIN) as services:
        o = services.organizing
        counts = await o.meeting_counts(meeting_id)
        listed = await o.organizer_meetings()
        assert await o.cancel_meeting(meeting_id)
        assert not await o.cancel_meeting(meeting_id), "cancelled already"
        after = await o.organizer_meetings()
    assert seen.starts_at == clock() + timedelta(days=5)
    assert counts == Counts(yes=1)
    assert listed is not None and [m.id for m in listed] == [meeting_id]
    assert after == []
    async with acting(store, "amina") as services:
        assert await services.community.upcoming_meetings() == []
