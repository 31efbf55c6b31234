"""What several processes on one PostgreSQL database share: each channel's sender lock, each
platform's pace, each writer's flood bucket; and what a process that takes a channel over does
with the claims of the one before. Each "process" here is a `Database` of its own (its own pool
and connections), as two processes would have."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator

import pytest

from conversations.flood import Flood, Limit, Verdict
from conversations.kit import Address
from storage.database import Database
from storage.deliveries import DeliveryQueue
from storage.flood_buckets import FloodBuckets
from storage.pace_slots import PaceSlots
from storage.sender_lock import SenderLock, lock_key
from tests.support.clock import Clock
from tests.support.deliveries import NEWS, add_resident
from tests.support.postgres import empty
from tests.support.vault import VAULT

AMINA = Address("whatsapp", "+212600000001")
# The connections holding an advisory lock, other than the asking one's.
KILL_HOLDERS = (
    "SELECT pg_terminate_backend(pid) FROM pg_locks "
    "WHERE locktype = 'advisory' AND pid <> pg_backend_pid()"
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
    interval = 0.05
    slots = [PaceSlots(two[0], "telegram"), PaceSlots(two[1], "telegram")]
    delays = await asyncio.gather(*(slots[i % 2].book(interval) for i in range(20)))
    # Booked within a few milliseconds, the twenty sends are spread over twenty intervals.
    assert max(delays) >= 18 * interval
    spread = sorted(delays)
    assert all(b - a >= interval * 0.9 for a, b in itertools.pairwise(spread[1:]))
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
    assert await heir.release_claims("console", clock()) == 3
    again = await heir.claim(clock(), "console", 3)
    assert sorted(d.id for d in again) == sorted(d.id for d in claimed)
    # Only a channel's own claims: nothing is leased on the others to release.
    assert await heir.release_claims("telegram", clock()) == 0
