"""The dashboard's meetings and updates on SQLite and PostgreSQL: the scope's meetings only,
created and published as on the command line, moved and cancelled; another commune's meeting
and an audience outside the scope refused and audited with nothing changed; an update's figures
as its deliveries go; and a page's statements the same for 3 or 60 meetings and updates."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from conversations.desk import Done, Outcome
from conversations.groups import Answer, Audience, Counts, MeetingDraft
from conversations.meeting_desk import DeskWhy
from storage import meetings
from storage.announcements import Kind, expand_due
from storage.database import Database
from storage.deliveries import DeliveryStatus
from storage.gazetteer import Gazetteer
from storage.models import ANNOUNCEMENT, DELIVERY, MEETING
from tests.support.announcements import add_residents
from tests.support.clock import Clock
from tests.support.deliveries import add_resident
from tests.support.desk import (
    AGADIR,
    TIZNIT,
    counted,
    deliveries,
    make_organizer,
    meeting_desk,
    refused_tries,
    signed_in,
)


async def organizer(db: Database, clock: Clock, commune: str = AGADIR):
    resident_id = await add_resident(db, clock, "org", "fr")
    await make_organizer(db, clock, resident_id, commune)
    return resident_id, await signed_in(db, clock, resident_id)


def forum(clock: Clock, commune: str = AGADIR, days: int = 5, title: str = "Forum") -> MeetingDraft:
    return MeetingDraft(commune, title, clock() + timedelta(days=days), "Salle", "Budget")


async def stored(db: Database, commune: str, clock: Clock, days: int, publish: bool = True) -> int:
    async with db.transaction() as tx:
        meeting_id = await tx.run(meetings.create, forum(clock, commune, days), "admin", clock())
        if publish:
            await tx.run(meetings.publish, meeting_id, "admin", clock())
    return meeting_id


async def announced(db: Database) -> list[tuple[str, int | None, str, str]]:
    """(kind, meeting, commune, state) of every announcement, oldest first."""
    async with db.transaction() as tx:
        rows = await tx.run(
            lambda c: c.execute(
                select(
                    ANNOUNCEMENT.c.kind,
                    ANNOUNCEMENT.c.meeting_id,
                    ANNOUNCEMENT.c.commune_code,
                    ANNOUNCEMENT.c.status,
                ).order_by(ANNOUNCEMENT.c.id)
            ).all()
        )
    return [tuple(row) for row in rows]


async def test_the_scope_sees_its_meetings_to_come_and_of_the_last_30_days(
    db: Database, gazetteer: Gazetteer, clock: Clock
) -> None:
    amina = await add_resident(db, clock, "amina", "ar")
    _, who = await organizer(db, clock)
    long_ago = await stored(db, AGADIR, clock, 1)
    clock.advance(days=40)
    lately = await stored(db, AGADIR, clock, 1)
    draft = await stored(db, AGADIR, clock, 9, publish=False)
    soon = await stored(db, AGADIR, clock, 3)
    await stored(db, TIZNIT, clock, 4)
    async with db.transaction() as tx:
        await tx.run(meetings.answer, soon, amina, Answer.MAYBE, clock())
    clock.advance(days=2)  # "lately" has been held

    seen = await meeting_desk(db, gazetteer, clock).meetings(who)

    assert long_ago not in [m.id for m, _ in seen]
    assert [(m.id, m.status, counts) for m, counts in seen] == [
        (lately, "published", Counts()),
        (soon, "published", Counts(maybe=1)),
        (draft, "draft", Counts()),
    ]


async def test_create_and_publish_queues_the_announcement_as_the_command_line_does(
    db: Database, gazetteer: Gazetteer, clock: Clock
) -> None:
    _, who = await organizer(db, clock)
    desk = meeting_desk(db, gazetteer, clock)
    kept = await desk.create_meeting(who, forum(clock, title="Brouillon"), publish=False)
    assert kept.outcome == Outcome(Done.DONE) and kept.number
    assert await announced(db) == [], "a draft tells nobody"
    made = await desk.create_meeting(who, forum(clock), publish=True)
    assert made.outcome == Outcome(Done.DONE)
    # Announced now, reminded two days and two hours before: the CLI's `meetings publish`.
    assert await announced(db) == [
        (Kind.MEETING, made.number, AGADIR, "scheduled"),
        (Kind.REMINDER, made.number, AGADIR, "scheduled"),
        (Kind.REMINDER, made.number, AGADIR, "scheduled"),
    ]
    assert await desk.publish_meeting(who, kept.number) == Outcome(Done.DONE)
    assert await desk.publish_meeting(who, kept.number) == Outcome(Done.INVALID, why="state")
    found = await desk.meeting(who, made.number)
    assert not isinstance(found, Done)
    assert (found[0].title, found[0].status, found[1]) == ("Forum", "published", Counts())


async def test_a_meeting_as_typed_is_checked_against_the_chats_limits(
    db: Database, gazetteer: Gazetteer, clock: Clock
) -> None:
    _, who = await organizer(db, clock)
    desk = meeting_desk(db, gazetteer, clock)
    long_title = MeetingDraft(AGADIR, "x" * 121, clock() + timedelta(days=2), "Salle", "B")
    past = MeetingDraft(AGADIR, "Forum", clock() - timedelta(minutes=1), "Salle", "B")
    made = await desk.create_meeting(who, long_title, publish=True)
    assert made.outcome == Outcome(Done.INVALID, why=DeskWhy.TITLE)
    made = await desk.create_meeting(who, past, publish=True)
    assert made.outcome == Outcome(Done.INVALID, why=DeskWhy.PAST)
    assert (await meetings_stored(db)) == 0


async def meetings_stored(db: Database) -> int:
    async with db.transaction() as tx:
        return len(await tx.run(lambda c: c.execute(select(MEETING.c.id)).all()))


async def test_move_and_cancel_tell_the_audience(
    db: Database, gazetteer: Gazetteer, clock: Clock
) -> None:
    _, who = await organizer(db, clock)
    desk = meeting_desk(db, gazetteer, clock)
    made = await desk.create_meeting(who, forum(clock), publish=True)
    later = clock() + timedelta(days=8)
    assert await desk.move_meeting(who, made.number, later) == Outcome(Done.DONE)
    gone = clock() - timedelta(hours=1)
    assert await desk.move_meeting(who, made.number, gone) == Outcome(Done.INVALID, why="past")
    found = await desk.meeting(who, made.number)
    assert not isinstance(found, Done) and found[0].starts_at == later
    assert await desk.cancel_meeting(who, made.number) == Outcome(Done.DONE)
    kinds = [kind for kind, *_ in await announced(db)]
    assert kinds.count(Kind.MOVED) == 1 and kinds[-1] == Kind.CANCELLED
    assert await desk.cancel_meeting(who, made.number) == Outcome(Done.INVALID, why="state")
    assert await desk.meeting(who, 999_999) is Done.MISSING


async def test_another_communes_meeting_is_refused_on_every_action_and_audited(
    db: Database, gazetteer: Gazetteer, clock: Clock
) -> None:
    _, who = await organizer(db, clock)
    desk = meeting_desk(db, gazetteer, clock)
    theirs = await stored(db, TIZNIT, clock, 5, publish=False)
    before = await announced(db)
    refused = Outcome(Done.REFUSED)
    assert await desk.meeting(who, theirs) is Done.REFUSED
    assert await desk.publish_meeting(who, theirs) == refused
    assert await desk.move_meeting(who, theirs, clock() + timedelta(days=9)) == refused
    assert await desk.cancel_meeting(who, theirs) == refused
    made = await desk.create_meeting(who, forum(clock, TIZNIT), publish=True)
    assert made.outcome == refused and made.number == 0
    assert [(action, target) for _, action, target in await refused_tries(db)] == [
        ("rsvps_meeting", str(theirs)),
        ("publish_meeting", str(theirs)),
        ("move_meeting", str(theirs)),
        ("cancel_meeting", str(theirs)),
        ("create_meeting", "Forum"),
    ]
    assert await announced(db) == before
    assert await meetings_stored(db) == 1
    found = await meeting_desk(db, gazetteer, clock).meetings(who)
    assert list(found) == []


async def test_an_update_outside_the_scope_is_refused_and_nothing_is_planned(
    db: Database, gazetteer: Gazetteer, clock: Clock
) -> None:
    _, who = await organizer(db, clock)
    desk = meeting_desk(db, gazetteer, clock)
    texts = (("fr", "Coupure d'eau demain"),)
    made = await desk.send_update(who, texts, Audience(TIZNIT), clock())
    assert made.outcome == Outcome(Done.REFUSED)
    assert await desk.recipients(who, Audience(TIZNIT)) is Done.REFUSED
    assert [action for _, action, _ in await refused_tries(db)] == ["broadcast", "count_audience"]
    assert await announced(db) == []
    too_long = (("fr", "x" * (desk.text_limit + 1)),)
    made = await desk.send_update(who, too_long, Audience(AGADIR), clock())
    assert made.outcome == Outcome(Done.INVALID, why=DeskWhy.TOO_LONG)
    assert await announced(db) == []


async def test_an_updates_report_follows_its_deliveries(
    db: Database, gazetteer: Gazetteer, clock: Clock
) -> None:
    _, who = await organizer(db, clock)
    await add_residents(db, clock, 5, AGADIR, prefix="a")
    desk = meeting_desk(db, gazetteer, clock)
    reach = await desk.reach(who)
    assert reach.communes == (AGADIR,) and len(reach.groups) == 3
    assert await desk.recipients(who, Audience(AGADIR)) == 5
    texts = (("fr", "Coupure d'eau demain"), ("ar", "انقطاع الماء غدا"))
    made = await desk.send_update(who, texts, Audience(AGADIR), clock())
    assert made.outcome == Outcome(Done.DONE, told=5)
    found = await desk.update(who, made.number)
    assert not isinstance(found, Done)
    assert found.first_words == "Coupure d'eau demain"
    assert (found.report.recipients, found.report.queued) == (5, 5)
    assert await expand_due(db, clock()) == 5 == await deliveries(db)
    await mark(db, ((DeliveryStatus.SENT, 2), (DeliveryStatus.FAILED, 1), (DeliveryStatus.READ, 1)))
    found = await desk.update(who, made.number)
    assert not isinstance(found, Done)
    r = found.report
    assert (r.recipients, r.queued, r.sent, r.delivered, r.read, r.failed) == (5, 1, 2, 1, 1, 1)
    assert [u.report.id for u in await desk.updates(who)] == [made.number]
    assert await desk.update(who, 999_999) is Done.MISSING


async def mark(db: Database, statuses: tuple[tuple[DeliveryStatus, int], ...]) -> None:
    """Give the first deliveries these statuses, so many each."""

    def change(conn) -> None:
        ids = list(conn.execute(select(DELIVERY.c.id).order_by(DELIVERY.c.id)).scalars())
        for status, n in statuses:
            chosen, ids = ids[:n], ids[n:]
            conn.execute(update(DELIVERY).where(DELIVERY.c.id.in_(chosen)).values(status=status))

    async with db.transaction() as tx:
        await tx.run(change)


async def test_the_pages_cost_the_same_statements_for_3_or_60_meetings_and_updates(
    sqlite_db: Database, gazetteer: Gazetteer, clock: Clock
) -> None:
    db = sqlite_db
    amina = await add_resident(db, clock, "amina", "ar")
    _, who = await organizer(db, clock)
    desk = meeting_desk(db, gazetteer, clock)

    async def add(n: int) -> None:
        for day in range(n):
            meeting_id = await stored(db, AGADIR, clock, day + 1)
            async with db.transaction() as tx:
                await tx.run(meetings.answer, meeting_id, amina, Answer.YES, clock())
            await desk.send_update(who, (("fr", f"Mise à jour {day}"),), Audience(AGADIR), clock())

    async def costs() -> tuple[int, int]:
        listed = await counted(db, lambda: desk.meetings(who))
        updates = await counted(db, lambda: desk.updates(who))
        return listed, updates

    await add(3)
    few = await costs()
    await add(57)
    assert len(await desk.meetings(who)) == 60 and len(await desk.updates(who)) == 50
    many = await costs()
    assert few == many, (few, many)
    assert many[0] <= 10 and many[1] <= 10, many
