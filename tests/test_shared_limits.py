"""What several processes on one PostgreSQL database share: each channel's sender lock, each
platform's pace, each writer's flood bucket; and what a process that takes a channel over does
with the claims of the one before. Each "process" here is a `Database` of its own (its own pool
and connections), as two processes would have."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from bot.dispatcher import Dispatcher
from bot.i18n import translator
from conversations.flood import Flood, Limit, Verdict
from conversations.kit import Address
from conversations.seams import Push, TransientFailure
from storage.database import Database
from storage.deliveries import DeliveryQueue
from storage.flood_buckets import FloodBuckets
from storage.pace_slots import PaceSlots
from storage.sender_lock import SenderLock, lock_key
from tests.support.clock import Clock
from tests.support.deliveries import NEWS, RecordingOutbox, add_resident
from tests.support.postgres import empty
from tests.support.vault import VAULT

AMINA = Address("whatsapp", "+212600000001")
# The connections holding an advisory lock in this database (another test's database has
# locks of its own), other than the asking one's.
KILL_HOLDERS = (
    "SELECT pg_terminate_backend(pid) FROM pg_locks "
    "WHERE locktype = 'advisory' AND pid <> pg_backend_pid() "
    "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
)


@pytest.fixture
async def two(pg_database: str) -> AsyncIterator[tuple[Database, Database]]:
    await empty(pg_database)
    first, second = Database.open(pg_database), Database.open(pg_database)
    yield first, second
    await first.close()
    await second.close()


async def test_one_process_holds_a_channel_and_another_takes_it_when_it_goes(
    two: tuple[Database, Database],
) -> None:
    first, second = SenderLock(two[0]), SenderLock(two[1])
    assert await first.take("telegram")
    assert not await second.take("telegram"), "held by the first"
    assert await second.take("whatsapp"), "each channel has a lock of its own"
    assert await first.still_holds("telegram")
    await first.release("telegram")
    assert not first.holds("telegram")
    assert await second.take("telegram")
    # The first process dies: the server sees its connections close, and its locks go with
    # them (here the server is told to end them, as it ends a dead client's).
    assert await first.take("sms")
    async with two[1].transaction() as tx:
        ended = await tx.run(lambda conn: conn.exec_driver_sql(KILL_HOLDERS).scalars().all())
    assert ended and all(ended)
    assert await second.take("sms")
    await second.close()


def test_the_lock_numbers_are_the_same_in_every_process() -> None:
    # Python's own hash of a string changes from one process to the next; these never do.
    assert lock_key("telegram") == lock_key("telegram") != lock_key("whatsapp")
    assert -(2**63) <= lock_key("whatsapp") < 2**63


async def test_a_lock_lost_with_its_connection_is_let_go(
    two: tuple[Database, Database],
) -> None:
    first = SenderLock(two[0])
    assert await first.take("telegram")
    # The lock's connection is ended under it (the server restarted, the network went).
    async with two[1].transaction() as tx:
        await tx.run(lambda conn: conn.exec_driver_sql(KILL_HOLDERS))
    assert not await first.still_holds("telegram")
    assert not first.holds("telegram")
    assert await SenderLock(two[1]).take("telegram"), "free for another process"


async def test_processes_book_their_sends_one_interval_apart(
    two: tuple[Database, Database],
) -> None:
    interval = 0.2
    slots = [PaceSlots(two[0], "telegram"), PaceSlots(two[1], "telegram")]

    async def slot(i: int) -> float:
        delay = await slots[i % 2].book(interval)
        # When the send may go, on this machine's clock (the booking's reply takes a moment).
        return time.monotonic() + delay

    at = sorted(await asyncio.gather(*(slot(i) for i in range(10))))
    # Booked at once by two processes, the ten sends are spread over ten intervals.
    assert at[-1] - at[0] >= 8 * interval
    assert all(b - a >= interval * 0.5 for a, b in itertools.pairwise(at)), at
    # A 429 seen by one process holds the other's next send.
    await slots[0].hold(2.0)
    assert await slots[1].book(interval) >= 1.9
    assert await PaceSlots(two[0], "whatsapp").book(interval) == 0.0, "its own row"
    for pace in slots:
        await pace.close()


async def test_a_writer_gets_one_allowance_across_processes(
    two: tuple[Database, Database],
) -> None:
    limit = Limit(per_minute=6, burst=3)
    now = [1_000_000.0]
    floods = [
        Flood(limit, shared=FloodBuckets(db, VAULT, clock=lambda: now[0]), clock=lambda: now[0])
        for db in two
    ]
    verdicts = [await floods[i % 2].admit(AMINA) for i in range(6)]
    # Alone, each process would have admitted three of its own.
    assert verdicts[:3] == [Verdict.ADMIT] * 3
    assert verdicts[3] is Verdict.NOTICE
    # One token a ten seconds: ten seconds on, one more.
    now[0] += 10
    assert await floods[0].admit(AMINA) is Verdict.ADMIT
    # Erasure forgets the writer everywhere: a new bucket, full.
    await floods[1].forget(AMINA)
    async with two[0].transaction() as tx:
        rows = await tx.run(
            lambda conn: conn.exec_driver_sql("SELECT count(*) FROM flood_bucket").scalar()
        )
    assert rows == 0
    assert await floods[1].admit(AMINA) is Verdict.ADMIT


async def test_the_new_sender_sends_at_once_what_the_dead_one_had_claimed(
    two: tuple[Database, Database], clock: Clock
) -> None:
    dead, heir = DeliveryQueue(two[0]), DeliveryQueue(two[1])
    for user in ("amina", "karim", "sara"):
        resident = await add_resident(two[0], clock, user, "fr")
        await dead.enqueue(f"news:{user}", resident, NEWS.to_json(), clock())
    claimed = await dead.claim(clock(), "console", 3)
    assert len(claimed) == 3
    assert await heir.claim(clock(), "console", 3) == [], "leased for two minutes"
    # Due a few seconds on: an earlier holder still alive has stopped sending by then.
    soon = clock() + timedelta(seconds=6)
    assert await heir.release_claims("console", clock(), soon) == 3
    assert await heir.claim(clock(), "console", 3) == []
    again = await heir.claim(soon, "console", 3)
    assert sorted(d.id for d in again) == sorted(d.id for d in claimed)
    # Only a channel's own claims: nothing is leased on the others to release.
    assert await heir.release_claims("telegram", clock(), soon) == 0


class SlowOutbox:
    """Sends that take a tenth of a second each, and ask `in_time` first as the platforms do."""

    channel = "console"

    def __init__(self) -> None:
        self.sent: list[str] = []
        self.started = asyncio.Event()

    async def send(self, push: Push) -> str | None:
        self.started.set()
        await asyncio.sleep(0.1)
        if not push.in_time():
            raise TransientFailure("the claim ran out")
        self.sent.append(push.address.user)
        return None


async def queued(db: Database, clock: Clock, count: int) -> DeliveryQueue:
    queue = DeliveryQueue(db)
    for i in range(count):
        resident = await add_resident(db, clock, f"r{i}", "fr")
        await queue.enqueue(f"news:{i}", resident, NEWS.to_json(), clock())
    return queue


async def test_a_stopping_sender_keeps_its_lock_until_its_last_batch_is_sent(
    two: tuple[Database, Database],
) -> None:
    queue = await queued(two[0], Clock(), 20)
    outbox = SlowOutbox()
    dispatcher = Dispatcher(
        queue,
        {"console": outbox},
        translator,
        concurrency=2,
        batch=20,
        lock=SenderLock(two[0]),
        record_every=1,
    )
    stop = asyncio.Event()
    running = asyncio.create_task(dispatcher.run(stop, idle=0.05))
    await outbox.started.wait()
    stop.set()
    # The lanes finish their batch; meanwhile no other process may take the channel.
    other = SenderLock(two[1])
    assert not await other.take("console")
    await running
    assert len(outbox.sent) == 20, "the batch claimed before the stop is sent, once each"
    assert await other.take("console"), "released once the lanes were done"
    await other.close()


async def test_outcomes_recorded_more_rarely_than_slots_never_hold_the_sends(
    sqlite_db: Database, clock: Clock
) -> None:
    queue = await queued(sqlite_db, clock, 10)
    outbox = RecordingOutbox()
    dispatcher = Dispatcher(
        queue, {"console": outbox}, translator, clock, concurrency=2, batch=10, record_every=5
    )
    assert await asyncio.wait_for(dispatcher.run_once(), 5) == 10
    assert len(outbox.sent) == 10


async def test_a_flood_reaching_two_processes_gets_one_notice(
    two: tuple[Database, Database],
) -> None:
    limit = Limit(per_minute=1, burst=2)
    floods = [Flood(limit, shared=FloodBuckets(db, VAULT)) for db in two]
    verdicts = [await floods[i % 2].admit(AMINA) for i in range(8)]
    assert verdicts.count(Verdict.ADMIT) == 2
    assert verdicts.count(Verdict.NOTICE) == 1, verdicts
