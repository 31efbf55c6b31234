"""Consultation meetings end to end: residents join a group in the chat, an organizer publishes
a meeting for it, each member hears of it once in their language, the reminders fire at their
times (even across a stop), RSVPs, a calendar file, moving and cancelling."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.app import build_engine
from bot.i18n import translator
from bot.scheduler import Wakeups
from conversations.engine import Engine
from conversations.groups import MeetingDraft
from storage import meetings
from storage.announcements import Kind, planned
from storage.database import Database
from storage.meetings import MeetingError
from storage.models import ANNOUNCEMENT, DELIVERY
from storage.services import SqlServices
from tests.resident import FakeResident
from tests.support.clock import Clock
from tests.support.deliveries import RecordingOutbox
from tests.support.meetings import ADMIN, as_resident, dispatcher, drain, join_youth, youth_meeting
from tests.support.petitions import onboard
from tests.support.postgres import empty
from tests.support.vault import VAULT

ANNOUNCED = "📣 New public consultation"
REMINDER = "⏰ Reminder: a public consultation is coming"


@pytest.fixture
def engine(db: Database, gazetteer, clock: Clock) -> Engine:
    """On SQLite and on PostgreSQL."""
    return build_engine(db, gazetteer, VAULT, clock, frozenset({ADMIN}))


def received(outbox: RecordingOutbox) -> list[tuple[str, str]]:
    return [(address.user, message.text) for address, message in outbox.sent]


async def test_a_meeting_reaches_the_youth_group_once_in_each_language_and_reminds_twice(
    engine: Engine, db: Database, clock: Clock
) -> None:
    members = {"amina": "ar", "hugo": "fr", "idir": "zgh"}
    commune = ""
    for user, language in members.items():
        resident = FakeResident(engine, user)
        commune = await onboard(resident, language)
        await join_youth(resident)
    await onboard(FakeResident(engine, "salma"), "fr")  # same commune, not in the group
    await onboard(FakeResident(engine, ADMIN.user), "fr")
    meeting_id = await youth_meeting(engine, clock, commune)
    outbox = RecordingOutbox()
    sender = dispatcher(db, outbox, clock)

    await drain(sender)
    got = received(outbox)
    assert sorted(user for user, _ in got) == sorted(members), "members only, once each"
    for user, text in got:
        assert translator(members[user]).gettext(ANNOUNCED) in text
        assert "Forum des jeunes" in text
    assert translator("fr").gettext(ANNOUNCED) != ANNOUNCED, "French is translated"

    start = clock() + timedelta(days=5)
    for label, before in (("2 days", timedelta(days=2)), ("2 hours", timedelta(hours=2))):
        outbox.sent.clear()
        clock.now = start - before - timedelta(minutes=1)
        await drain(sender)
        assert outbox.sent == [], f"nothing before the {label} reminder"
        clock.now = start - before
        await drain(sender)
        got = received(outbox)
        assert sorted(user for user, _ in got) == sorted(members), label
        for user, text in got:
            assert translator(members[user]).gettext(REMINDER) in text
        await drain(sender)
    async with db.transaction() as tx:
        rows = await tx.run(
            lambda c: c.execute(select(func.count()).select_from(DELIVERY)).scalar_one()
        )
    assert rows == 3 * len(members), f"meeting {meeting_id}: one notice and two reminders each"


async def test_a_reminder_due_while_stopped_goes_out_after_restart(
    engine: Engine, db: Database, clock: Clock, gazetteer
) -> None:
    hugo = FakeResident(engine, "hugo")
    commune = await onboard(hugo, "fr")
    await join_youth(hugo)
    await onboard(FakeResident(engine, ADMIN.user), "fr")
    await youth_meeting(engine, clock, commune)
    outbox = RecordingOutbox()
    await drain(dispatcher(db, outbox, clock))
    assert len(outbox.sent) == 1
    path = db.url
    await db.close()  # the process stops...

    clock.advance(days=3, hours=12)  # ...across the 2-days reminder, and comes back
    restarted = Database(path)
    try:
        due = await planned(restarted)
        assert [p.due_at < clock() for p in due] == [True, False], "one late, one to come"
        await drain(dispatcher(restarted, outbox, clock))
    finally:
        await restarted.close()
    assert len(outbox.sent) == 2, "the late reminder went out, late rather than never"
    assert translator("fr").gettext(REMINDER) in outbox.sent[-1][1].text


async def test_the_scheduler_is_rebuilt_from_the_table_and_wakes_for_a_late_time(
    engine: Engine, db: Database, clock: Clock
) -> None:
    hugo = FakeResident(engine, "hugo")
    commune = await onboard(hugo, "fr")
    await join_youth(hugo)
    await onboard(FakeResident(engine, ADMIN.user), "fr")
    # The test clock is in November 2026, before the real clock: every planned time has passed.
    clock.now = clock.now.replace(year=2020)
    await youth_meeting(engine, clock, commune)
    wake = asyncio.Event()
    wakeups = Wakeups(db, wake)
    await wakeups.start()
    try:
        assert len(wakeups.jobs()) == 3, "the notice and both reminders, from the table"
        await asyncio.wait_for(wake.wait(), 5)
    finally:
        wakeups.stop()


async def test_rsvp_calendar_move_and_cancel(engine: Engine, db: Database, clock: Clock) -> None:
    amina, hugo = FakeResident(engine, "amina"), FakeResident(engine, "hugo")
    commune = await onboard(amina, "fr")
    await onboard(hugo, "fr")
    for resident in (amina, hugo):
        await join_youth(resident)
    await onboard(FakeResident(engine, ADMIN.user), "fr")
    meeting_id = await youth_meeting(engine, clock, commune)
    outbox = RecordingOutbox()
    sender = dispatcher(db, outbox, clock)
    await drain(sender)

    await amina.tap("back")
    await amina.tap("meetings")
    await amina.tap(f"m{meeting_id}")
    assert "calendar" not in amina.option_ids, "the calendar file is for those who attend"
    await amina.tap("yes")
    assert "Votre réponse : Je participe" in amina.text
    await amina.tap("calendar")
    (sent,) = [out.attachment for out in amina.last if out.attachment is not None]
    assert (sent.filename, sent.content_type) == (f"meeting-{meeting_id}.ics", "text/calendar")
    calendar = sent.data.decode("utf-8")
    assert "BEGIN:VCALENDAR" in calendar and f"UID:meeting-{meeting_id}@hayna" in calendar

    async def counts(services: SqlServices):
        return await services.organizing.meeting_counts(meeting_id)

    assert (await as_resident(engine, ADMIN.user, counts)).yes == 1

    outbox.sent.clear()

    async def move(services: SqlServices) -> bool:
        return await services.organizing.move_meeting(meeting_id, clock() + timedelta(days=6))

    assert await as_resident(engine, ADMIN.user, move)
    await drain(sender)
    assert [user for user, _ in received(outbox)] == ["amina"], "those who answered are told"
    reminders = [p.due_at for p in await planned(db)]
    start = clock() + timedelta(days=6)
    assert reminders == [start - timedelta(days=2), start - timedelta(hours=2)], "re-planned"

    outbox.sent.clear()

    async def cancel(services: SqlServices) -> bool:
        return await services.organizing.cancel_meeting(meeting_id)

    assert await as_resident(engine, ADMIN.user, cancel)
    assert not await as_resident(engine, ADMIN.user, cancel), "cancelled once"
    await drain(sender)
    assert sorted(user for user, _ in received(outbox)) == ["amina", "hugo"], "everyone, once"
    assert await planned(db) == [], "the reminders stop"
    clock.advance(days=7)
    outbox.sent.clear()
    await drain(sender)
    assert outbox.sent == []


async def test_a_meeting_cancelled_before_its_notice_went_out_sends_only_the_cancellation(
    engine: Engine, db: Database, clock: Clock
) -> None:
    amina = FakeResident(engine, "amina")
    commune = await onboard(amina, "fr")
    await join_youth(amina)
    await onboard(FakeResident(engine, ADMIN.user), "fr")
    meeting_id = await youth_meeting(engine, clock, commune)

    async def move(services: SqlServices) -> bool:
        return await services.organizing.move_meeting(meeting_id, clock() + timedelta(days=6))

    async def cancel(services: SqlServices) -> bool:
        return await services.organizing.cancel_meeting(meeting_id)

    assert await as_resident(engine, ADMIN.user, move)
    assert await as_resident(engine, ADMIN.user, cancel)
    outbox = RecordingOutbox()
    await drain(dispatcher(db, outbox, clock))
    (only,) = received(outbox)
    assert only[0] == "amina" and "annul" in only[1].lower(), only


async def test_residents_join_leave_and_see_their_groups(engine: Engine) -> None:
    amina = FakeResident(engine, "amina")
    await onboard(amina, "en")
    await amina.say("menu")
    await amina.tap("meetings")
    assert "You follow no group yet." in amina.text
    assert "organize" not in amina.option_ids, "organizer tools are for organizers"
    await amina.tap("groups")
    assert [label for _, label in amina.options][:3] == [
        "Youth",
        "Women",
        "Persons with disabilities",
    ]
    await amina.say("2")
    assert "You joined Women." in amina.text
    assert "✅ Women" in [label for _, label in amina.options]
    await amina.tap("back")
    assert "You follow: Women" in amina.text
    await amina.tap("groups")
    await amina.say("2")
    assert "You left Women." in amina.text
    await amina.tap("back")
    await amina.tap("meetings")
    assert "No consultation is planned for you yet." in amina.text


async def test_two_organizers_publishing_at_once_announce_it_once(
    pg_database: str, gazetteer, clock: Clock
) -> None:
    await empty(pg_database)
    first, second = Database.open(pg_database), Database.open(pg_database)
    try:
        draft = MeetingDraft("141.01.61", "Forum", clock() + timedelta(days=5), "Hall", "Agenda")
        async with first.transaction() as tx:
            meeting_id = await tx.run(meetings.create, draft, "admin", clock())

        async def publish(db: Database) -> str:
            try:
                async with db.transaction() as tx:
                    await tx.run(meetings.publish, meeting_id, "admin", clock())
            except MeetingError as refused:
                return str(refused)
            return "published"

        said = await asyncio.gather(publish(first), publish(second))
        assert sorted(said) == [f"meeting {meeting_id} is published, not draft", "published"]
        async with first.transaction() as tx:
            announced = await tx.run(
                lambda conn: conn.execute(
                    select(func.count())
                    .select_from(ANNOUNCEMENT)
                    .where(
                        ANNOUNCEMENT.c.meeting_id == meeting_id, ANNOUNCEMENT.c.kind == Kind.MEETING
                    )
                ).scalar_one()
            )
        assert announced == 1
    finally:
        await first.close()
        await second.close()
