"""The delivery engine under announcements: expansion in chunks that resumes after a crash,
two dispatchers on one PostgreSQL database sending 10,000 rows with none twice, parallel sends
at an outbox's pace, and the calendar file of a meeting."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Connection, func, insert, select, text

from bot.dispatcher import Dispatcher
from bot.i18n import translator
from conversations.groups import Audience, Meeting
from conversations.seams import Push
from conversations.text import Verbatim
from handlers.pacing import Pace
from storage import announcements
from storage.announcements import RESTATE_AFTER, Kind, expand_due
from storage.calendar import ics
from storage.database import Database
from storage.deliveries import DeliveryQueue
from storage.models import ANNOUNCEMENT, DELIVERY, RESIDENT
from tests.support.announcements import COMMUNE, add_residents, plan
from tests.support.clock import Clock
from tests.support.postgres import empty


class CountingOutbox:
    """Counts every (message, recipient) pair it is handed."""

    channel = "console"

    def __init__(self, pace: Pace | None = None) -> None:
        self.pairs: Counter[tuple[str, str]] = Counter()
        self.pace = pace
        self.arrived = asyncio.Event()

    async def send(self, push: Push) -> str | None:
        if self.pace is not None:
            await self.pace.wait()
        self.pairs[(push.message.text, push.address.user)] += 1
        self.arrived.set()
        return None


def sender(db: Database, outbox: CountingOutbox, clock: Clock, **options: int) -> Dispatcher:
    return Dispatcher(
        DeliveryQueue(db),
        {"console": outbox},
        translator,
        clock,
        expand=lambda now: expand_due(db, now),
        **options,
    )


@pytest.fixture
async def pg(request: pytest.FixtureRequest) -> AsyncIterator[str]:
    url = request.getfixturevalue("pg_database")
    await empty(url)
    yield url


async def test_a_large_expansion_refreshes_the_planners_statistics_on_postgresql(
    pg: str, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    db = Database.open(pg)
    try:
        analyzed = text("SELECT analyze_count FROM pg_stat_user_tables WHERE relname = 'delivery'")

        async def analyses() -> int:
            async with db.transaction() as tx:
                return int(await tx.run(lambda conn: conn.execute(analyzed).scalar_one()))

        before = await analyses()
        await add_residents(db, clock, RESTATE_AFTER - 1)
        await plan(db, clock, "Forum des jeunes samedi")
        assert await expand_due(db, clock()) == RESTATE_AFTER - 1
        await asyncio.sleep(0.6)  # the statistics collector reports every 500 ms
        assert await analyses() == before, "fewer rows than RESTATE_AFTER: autovacuum's job"
        one_more = {"channel": "console", "user_id": "amina", "language": "fr"}
        one_more |= {"commune_code": COMMUNE, "pushes_enabled": True, "created_at": clock()}
        async with db.transaction() as tx:
            await tx.run(lambda conn: conn.execute(insert(RESIDENT).values(**one_more)))
        await plan(db, clock, "Forum, deuxième")
        assert await expand_due(db, clock()) == RESTATE_AFTER
        for _ in range(20):
            if await analyses() > before:
                break
            await asyncio.sleep(0.1)
        assert await analyses() == before + 1
        assert "could not be refreshed" not in caplog.text
    finally:
        await db.close()


async def test_two_dispatchers_on_postgresql_send_10000_rows_none_twice(
    pg: str, clock: Clock
) -> None:
    first_db, second_db = Database.open(pg), Database.open(pg)
    try:
        await add_residents(first_db, clock, 10_000)
        await plan(first_db, clock, "Forum des jeunes samedi")
        outbox = CountingOutbox()
        first = sender(first_db, outbox, clock, concurrency=8, batch=250)
        second = sender(second_db, outbox, clock, concurrency=8, batch=250)

        claimed = Counter[int]()

        async def drain(dispatcher: Dispatcher) -> None:
            # Both run until every row went, as `hayna serve` processes would.
            while sum(outbox.pairs.values()) < 10_000:
                got = await dispatcher.run_once()
                claimed[id(dispatcher)] += got
                if not got:
                    await asyncio.sleep(0.01)
            claimed[id(dispatcher)] += await dispatcher.run_once()  # nothing is left to send

        started = time.monotonic()
        await asyncio.wait_for(asyncio.gather(drain(first), drain(second)), 60)
        elapsed = time.monotonic() - started
        async with first_db.transaction() as tx:
            rows = await tx.run(
                lambda c: c.execute(select(func.count()).select_from(DELIVERY)).scalar_one()
            )
    finally:
        await first_db.close()
        await second_db.close()
    assert rows == 10_000, "one row per recipient"
    assert len(outbox.pairs) == 10_000, "every row sent"
    assert max(outbox.pairs.values()) == 1, "no row sent twice"
    assert elapsed < 60
    assert len(claimed) == 2 and min(claimed.values()) > 0, "both dispatchers did work"


async def test_expansion_goes_in_chunks_and_resumes_where_it_stopped(
    db: Database, clock: Clock
) -> None:
    await add_residents(db, clock, 10)
    number = await plan(db, clock, "Nettoyage du quartier")
    assert await expand_due(db, clock(), chunk=3, chunks=2) == 6  # then the process dies
    async with db.transaction() as tx:
        cursor = await tx.run(
            lambda c: c.execute(
                select(ANNOUNCEMENT.c.cursor, ANNOUNCEMENT.c.status).where(
                    ANNOUNCEMENT.c.id == number
                )
            ).one()
        )
    assert cursor.status == "scheduled" and cursor.cursor == 6
    assert await expand_due(db, clock(), chunk=3) == 4, "the rest, none again"
    assert await expand_due(db, clock(), chunk=3) == 0
    report = await _report(db, number)
    assert (report.recipients, report.queued) == (10, 10)


async def test_an_announcement_not_yet_due_waits_and_a_cancelled_one_never_goes(
    db: Database, clock: Clock
) -> None:
    await add_residents(db, clock, 3)
    async with db.transaction() as tx:
        later = await tx.run(
            announcements.create,
            Kind.BROADCAST,
            Audience(COMMUNE),
            Verbatim("x").to_json(),
            clock() + timedelta(hours=1),
            "test",
            clock(),
        )
    assert await expand_due(db, clock()) == 0
    async with db.transaction() as tx:
        await tx.run(announcements.cancel, [later])
    clock.advance(hours=2)
    assert await expand_due(db, clock()) == 0
    assert await announcements.planned(db) == []


async def test_parallel_sends_keep_the_outbox_pace(sqlite_db: Database, clock: Clock) -> None:
    await add_residents(sqlite_db, clock, 200)
    await plan(sqlite_db, clock, "Rappel")
    outbox = CountingOutbox(Pace(1000))
    dispatcher = sender(sqlite_db, outbox, clock, concurrency=16, batch=100)
    started = time.monotonic()
    while await dispatcher.run_once():
        pass
    elapsed = time.monotonic() - started
    assert sum(outbox.pairs.values()) == 200 and max(outbox.pairs.values()) == 1
    assert elapsed >= 0.19, "never faster than the platform allows"


def test_the_calendar_file_follows_rfc_5545() -> None:
    meeting = Meeting(
        7,
        COMMUNE,
        "Forum; budget, priorités 2027 — " + "حيّنا " * 12,
        datetime(2026, 12, 5, 17, 0, tzinfo=UTC),
        "Maison des jeunes\nHay Ben M'Sick",
        "1. Plan d'action\\2. Questions",
        "published",
        33.557,
        -7.585,
    )
    text = ics(meeting, datetime(2026, 12, 1, 10, 0, tzinfo=UTC))
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    lines = text.split("\r\n")
    assert all(len(line.encode()) <= 75 for line in lines), "folded at 75 octets"
    unfolded = text.replace("\r\n ", "")
    assert "DTSTART:20261205T170000Z" in unfolded and "DTEND:20261205T190000Z" in unfolded
    assert "UID:meeting-7@hayna" in unfolded
    assert "SUMMARY:Forum\\; budget\\, priorités 2027" in unfolded
    assert "LOCATION:Maison des jeunes\\nHay Ben M'Sick" in unfolded
    assert "DESCRIPTION:1. Plan d'action\\\\2. Questions" in unfolded
    assert "GEO:33.557000;-7.585000" in unfolded
    assert ics(meeting, datetime(2026, 12, 2, tzinfo=UTC)).count("UID:meeting-7@hayna") == 1


async def _report(db: Database, number: int):
    async with db.transaction() as tx:
        return await tx.run(announcements.report, number)


async def test_a_batch_recorded_late_cannot_overwrite_the_claim_that_took_over(
    db: Database, clock: Clock
) -> None:
    from storage.deliveries import LEASE, DeliveryOutcome, DeliveryStatus

    await add_residents(db, clock, 3)
    await plan(db, clock, "Réunion")
    await expand_due(db, clock())
    queue = DeliveryQueue(db)
    stale = await queue.claim(clock(), "console", 10)
    clock.advance(seconds=LEASE.total_seconds() + 1)
    fresh = await queue.claim(clock(), "console", 10)
    assert (
        await queue.record([DeliveryOutcome(due, DeliveryStatus.SENT, clock()) for due in fresh])
        == 3
    )
    late = [DeliveryOutcome(due, DeliveryStatus.PENDING, clock(), "late") for due in stale]
    late += [DeliveryOutcome(due, DeliveryStatus.SENT, clock()) for due in stale]
    assert await queue.record(late) == 0, "the expired claims own nothing"
    assert await queue.counts() == {"sent": 3}


async def test_a_wake_sends_at_once_rather_than_after_the_idle_wait(
    sqlite_db: Database, clock: Clock
) -> None:
    await add_residents(sqlite_db, clock, 2)
    outbox = CountingOutbox()
    dispatcher = sender(sqlite_db, outbox, clock, concurrency=4, batch=10)
    stop = asyncio.Event()
    running = asyncio.create_task(dispatcher.run(stop, idle=30))
    try:
        await asyncio.sleep(0.1)  # both lanes found nothing and wait
        await plan(sqlite_db, clock, "Maintenant")
        dispatcher.wake.set()  # what the scheduler does at the planned time
        async with asyncio.timeout(5):
            while sum(outbox.pairs.values()) < 2:
                await outbox.arrived.wait()
                outbox.arrived.clear()
    finally:
        stop.set()
        await asyncio.wait_for(running, 5)
    assert sorted(user for _, user in outbox.pairs) == ["r0", "r1"]


async def test_a_delivery_report_adds_up_after_a_recipient_erased_their_data(
    db: Database, clock: Clock
) -> None:
    from conversations.kit import Address
    from storage.rights import erase
    from storage.subject import Subject

    await add_residents(db, clock, 3)
    number = await plan(db, clock, "Réunion")
    await expand_due(db, clock())

    def erase_first(conn: Connection) -> None:
        rid = conn.execute(select(RESIDENT.c.id).where(RESIDENT.c.user_id == "r0")).scalar_one()
        erase(conn, Subject(rid, Address("console", "r0")), clock())

    async with db.transaction() as tx:
        await tx.run(erase_first)
    report = await _report(db, number)
    assert report is not None
    parts = (report.queued, report.sent, report.delivered, report.failed, report.unreachable)
    assert report.recipients == sum(parts) == 2


class SlowFirstOutbox(CountingOutbox):
    """Takes its time over the first message, as a platform sometimes does."""

    def __init__(self) -> None:
        super().__init__()
        self.order: list[str] = []
        self.slowed = False

    async def send(self, push: Push) -> str | None:
        if not self.slowed:
            self.slowed = True
            await asyncio.sleep(0.2)
        self.order.append(push.message.text)
        return None


async def test_one_residents_notices_arrive_in_the_order_their_events_happened(
    db: Database, clock: Clock
) -> None:
    from storage.deliveries import enqueue

    await add_residents(db, clock, 2)
    events = ("filed with the commune", "accepted by the council", "answered by the council")

    def queue_events(conn: Connection) -> None:
        first = conn.execute(select(RESIDENT.c.id).where(RESIDENT.c.user_id == "r0")).scalar_one()
        for number, event in enumerate(events):
            enqueue(conn, f"event:{number}", first, Verbatim(event).to_json(), clock())

    async with db.transaction() as tx:
        await tx.run(queue_events)
    outbox = SlowFirstOutbox()
    dispatcher = sender(db, outbox, clock, concurrency=8, batch=10)
    # One at a time: each claim holds the one that must go next.
    assert [await dispatcher.run_once() for _ in range(4)] == [1, 1, 1, 0]
    assert outbox.order == list(events), "side by side, the first would have come last"
