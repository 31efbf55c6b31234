"""The order pushes go out in, on SQLite and PostgreSQL: a resident's own notice before a meeting's,
a meeting's before an update to a whole commune, the oldest first within each; and every channel
on its own, so a WhatsApp backlog or hold never delays a Telegram push."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import timedelta

from sqlalchemy import select

from bot.app import BATCH, SENDS_IN_FLIGHT
from bot.dispatcher import Dispatcher
from bot.i18n import translator
from conversations.groups import Audience
from conversations.report import Category, Draft, ReportStatus
from conversations.seams import Push
from conversations.text import Verbatim
from handlers.pacing import Pace
from storage import announcements, reports
from storage.announcements import Kind, expand_due
from storage.database import Database
from storage.deliveries import LEASE, DeliveryOutcome, DeliveryQueue, DeliveryStatus, Due
from storage.models import DELIVERY, RESIDENT
from tests.support.announcements import COMMUNE, add_residents, plan
from tests.support.clock import Clock
from tests.support.deliveries import NEWS, add_resident

ELSEWHERE = "001.01.01"


class Platform:
    """The outboxes of several channels writing one log, in the order the sends happen."""

    def __init__(self) -> None:
        self.sends: list[tuple[str, str]] = []
        self.arrived = asyncio.Event()

    def outbox(self, channel: str, pace: Pace | None = None) -> Outbox:
        return Outbox(self, channel, pace)


class Outbox:
    """One channel's outbox, at its pace if it has one."""

    def __init__(self, platform: Platform, channel: str, pace: Pace | None) -> None:
        self.platform = platform
        self.channel = channel
        self.pace = pace

    async def send(self, push: Push) -> str | None:
        if self.pace is not None:
            await self.pace.wait()
        self.platform.sends.append((self.channel, push.address.user))
        self.platform.arrived.set()
        return None


def dispatcher(db: Database, clock: Clock, **outboxes: Outbox) -> Dispatcher:
    """The dispatcher as `hayna serve` builds it: batches of 100, 16 sends in flight."""
    return Dispatcher(
        DeliveryQueue(db),
        outboxes,
        translator,
        clock,
        expand=lambda now: expand_due(db, now),
        concurrency=SENDS_IN_FLIGHT,
        batch=BATCH,
    )


async def test_a_status_notice_goes_out_in_the_first_batch_after_it_is_queued_behind_10000(
    db: Database, clock: Clock
) -> None:
    await add_residents(db, clock, 10_000)
    amina = await add_resident(db, clock, "amina", "ar")
    draft = Draft(Category.LIGHTING, "", ELSEWHERE, "Talborjt", None, None, "Dark street", ())
    async with db.transaction() as tx:
        ref = await tx.run(reports.file, amina, draft, clock())
    await plan(db, clock, "Forum des jeunes samedi")
    platform = Platform()
    sender = dispatcher(db, clock, console=platform.outbox("console"))
    # The update is expanded at the first claim, 10,000 rows; two batches go out.
    assert await sender.run_once() + await sender.run_once() == 2 * BATCH
    clock.advance(minutes=1)
    async with db.transaction() as tx:
        queued = await tx.run(
            reports.set_status, ref, ReportStatus.IN_PROGRESS, "", "organizer", clock()
        )
    assert queued == 1

    assert await sender.run_once() == BATCH
    users = [user for _, user in platform.sends]
    assert users.index("amina") in range(2 * BATCH, 2 * BATCH + SENDS_IN_FLIGHT), (
        "among the first sends of the first batch claimed after it was queued"
    )
    while await sender.run_once(batch=2_000):
        pass
    assert len(users) == len(set(users)) and len(platform.sends) == 10_001, "none lost, none twice"


async def test_a_claim_takes_personal_then_meeting_then_bulk_each_oldest_first(
    db: Database, clock: Clock
) -> None:
    await add_residents(db, clock, 2)
    update = await plan(db, clock, "Nettoyage du quartier")  # the oldest of all, and bulk
    clock.advance(minutes=1)
    async with db.transaction() as tx:
        reminder = await tx.run(
            announcements.create,
            Kind.REMINDER,
            Audience(COMMUNE),
            Verbatim("Rappel: réunion à 18h").to_json(),
            clock(),
            "test",
            clock(),
        )
    assert await expand_due(db, clock()) == 4
    queue = DeliveryQueue(db)
    users = await _ids(db)
    clock.advance(minutes=1)
    await queue.enqueue("status:late", users["r0"], NEWS.to_json(), clock())
    # Queued after the one above, but due half a minute earlier.
    early = clock() - timedelta(seconds=30)
    await queue.enqueue("status:early", users["r1"], NEWS.to_json(), early)
    clock.advance(minutes=1)

    # A claim holds one push per resident, the one that must go next: each round is what the
    # next claim takes once the one before was sent.
    rounds = []
    while claimed := await queue.claim(clock(), "console", 10):
        rounds.append(await _keys(db, claimed))
        await queue.record([DeliveryOutcome(due, DeliveryStatus.SENT, clock()) for due in claimed])
    assert rounds == [
        [("status:early", "r1"), ("status:late", "r0")],
        [(announcements.key(reminder), "r0"), (announcements.key(reminder), "r1")],
        [(announcements.key(update), "r0"), (announcements.key(update), "r1")],
    ]


async def test_a_residents_next_push_waits_until_the_one_before_is_sent(
    db: Database, clock: Clock
) -> None:
    await add_residents(db, clock, 2)
    queue = DeliveryQueue(db)
    users = await _ids(db)
    for event in ("filed", "accepted"):
        await queue.enqueue(f"petition:{event}", users["r0"], Verbatim(event).to_json(), clock())
    await queue.enqueue("status:1", users["r1"], NEWS.to_json(), clock())

    first = await queue.claim(clock(), "console", 10)
    assert await _keys(db, first) == [("petition:filed", "r0"), ("status:1", "r1")]
    # Another lane, or another process, while "filed" is in flight: "accepted" is not its to send.
    assert await queue.claim(clock(), "console", 10) == []
    await queue.record([DeliveryOutcome(due, DeliveryStatus.SENT, clock()) for due in first])
    assert await _keys(db, await queue.claim(clock(), "console", 10)) == [
        ("petition:accepted", "r0")
    ]


async def test_a_retried_push_keeps_the_later_ones_behind_it(db: Database, clock: Clock) -> None:
    await add_residents(db, clock, 1)
    queue = DeliveryQueue(db)
    users = await _ids(db)
    for event in ("filed", "accepted"):
        await queue.enqueue(f"petition:{event}", users["r0"], Verbatim(event).to_json(), clock())
    (filed,) = await queue.claim(clock(), "console", 10)
    retry_at = clock() + timedelta(minutes=5)
    await queue.record([DeliveryOutcome(filed, DeliveryStatus.PENDING, retry_at, "timed out")])
    clock.advance(minutes=1)
    assert await queue.claim(clock(), "console", 10) == [], "not before the retry of the one before"
    clock.advance(minutes=5)
    assert await _keys(db, await queue.claim(clock(), "console", 10)) == [("petition:filed", "r0")]


class Journal:
    """An outbox that notes each text; a resident's first send takes a while, as a platform's
    sometimes does, so a later push sent beside it would arrive first."""

    def __init__(self, expected: int) -> None:
        self.texts: dict[str, list[str]] = {}
        self.expected = expected
        self.all_sent = asyncio.Event()

    async def send(self, push: Push) -> str | None:
        texts = self.texts.setdefault(push.address.user, [])
        if not texts:
            await asyncio.sleep(0.05)
        texts.append(push.message.text)
        if sum(map(len, self.texts.values())) >= self.expected:
            self.all_sent.set()
        return None


async def test_two_processes_with_two_lanes_each_keep_every_residents_order(
    db: Database, clock: Clock
) -> None:
    residents, events = 10, ("filed", "accepted", "answered")
    await add_residents(db, clock, residents)
    users = await _ids(db)
    queue = DeliveryQueue(db)
    for user, resident in users.items():
        for event in events:
            await queue.enqueue(f"{event}:{user}", resident, Verbatim(event).to_json(), clock())
    # The second process: its own connections to the same database (SQLite has one writer per
    # file anyway: the second dispatcher shares the first's connection there).
    other = None if db.sqlite else Database(db.url)
    journal = Journal(expected=residents * len(events))
    # Batches of two: one resident's three notices fall in the batches of different lanes.
    senders = [
        Dispatcher(DeliveryQueue(base), {"console": journal}, translator, clock, None, 4, 2)
        for base in (db, other or db)
    ]
    stop = asyncio.Event()
    running = [asyncio.create_task(sender.run(stop, idle=0.01)) for sender in senders]
    try:
        async with asyncio.timeout(30):
            await journal.all_sent.wait()
    finally:
        stop.set()
        await asyncio.gather(*running)
        if other is not None:
            await other.close()
    assert journal.texts == {user: list(events) for user in users}


async def test_a_personal_notice_whose_claim_ran_out_goes_before_a_waiting_update(
    db: Database, clock: Clock
) -> None:
    await add_residents(db, clock, 3)
    queue = DeliveryQueue(db)
    users = await _ids(db)
    await queue.enqueue("status:1", users["r2"], NEWS.to_json(), clock())
    assert len(await queue.claim(clock(), "console", 1)) == 1  # a process claims it, then dies
    await plan(db, clock, "Forum des jeunes samedi")
    assert await expand_due(db, clock()) == 3
    clock.advance(seconds=LEASE.total_seconds() + 1)

    (first,) = await queue.claim(clock(), "console", 1)
    assert await _keys(db, [first]) == [("status:1", "r2")] and first.attempts == 2


async def test_a_whatsapp_backlog_does_not_delay_a_telegram_push(
    db: Database, clock: Clock
) -> None:
    await add_residents(db, clock, 2_000, COMMUNE, channel="whatsapp", prefix="w")
    await add_residents(db, clock, 1, ELSEWHERE, channel="telegram", prefix="t")
    await plan(db, clock, "Forum des jeunes samedi")  # 2,000 WhatsApp rows, queued first
    clock.advance(minutes=1)
    await plan(db, clock, "Réunion du conseil", Audience(ELSEWHERE))  # then one Telegram row
    assert await expand_due(db, clock()) == 2_001, "all queued before the dispatcher starts"
    platform = Platform()
    sender = dispatcher(
        db,
        clock,
        whatsapp=platform.outbox("whatsapp", Pace(1_000)),
        telegram=platform.outbox("telegram"),
    )
    channels = await _run_until_telegram_sent(sender, platform)
    assert "telegram" in channels[:BATCH], "not after the WhatsApp rows queued before it"


async def test_a_whatsapp_hold_does_not_hold_a_telegram_push(db: Database, clock: Clock) -> None:
    await add_residents(db, clock, 200, COMMUNE, channel="whatsapp", prefix="w")
    await add_residents(db, clock, 1, ELSEWHERE, channel="telegram", prefix="t")
    await plan(db, clock, "Forum des jeunes samedi")
    clock.advance(minutes=1)
    await plan(db, clock, "Réunion du conseil", Audience(ELSEWHERE))
    assert await expand_due(db, clock()) == 201
    held = Pace(80)
    held.hold(3_600)  # Twilio said 429: nothing goes to WhatsApp for an hour
    platform = Platform()
    sender = dispatcher(
        db, clock, whatsapp=platform.outbox("whatsapp", held), telegram=platform.outbox("telegram")
    )
    assert await _run_until_telegram_sent(sender, platform) == ["telegram"]


async def _run_until_telegram_sent(sender: Dispatcher, platform: Platform) -> list[str]:
    """Run the dispatcher as `hayna serve` does until the Telegram push went (at most 20 s);
    the channels of the sends so far, in order."""
    stop = asyncio.Event()
    running = asyncio.create_task(sender.run(stop, idle=0.05))
    try:
        async with asyncio.timeout(20):
            while ("telegram", "t0") not in platform.sends:
                await platform.arrived.wait()
                platform.arrived.clear()
    finally:
        stop.set()
        # A held lane sleeps in its pace: stopped, not waited for.
        running.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await running
    return [channel for channel, _ in platform.sends]


async def _keys(db: Database, claimed: list[Due]) -> list[tuple[str, str]]:
    """The message key and recipient of each claimed row, in the claim's order."""
    query = select(DELIVERY.c.id, DELIVERY.c.message_key)
    async with db.transaction() as tx:
        keys = dict(await tx.run(lambda c: c.execute(query).all()))
    return [(keys[due.id], due.user_id) for due in claimed]


async def _ids(db: Database) -> dict[str, int]:
    async with db.transaction() as tx:
        rows = await tx.run(lambda c: c.execute(select(RESIDENT.c.user_id, RESIDENT.c.id)).all())
    return {user: rid for user, rid in rows}
