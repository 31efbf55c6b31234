"""The delivery outbox and its dispatcher, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from bot.dispatcher import MAX_ATTEMPTS, Dispatcher
from bot.i18n import translator
from conversations.seams import Push, Rejected, TransientFailure, Unreachable
from storage.database import Database
from storage.deliveries import LEASE, DeliveryOutcome, DeliveryQueue, DeliveryStatus
from storage.models import DELIVERY, RESIDENT
from tests.support.clock import Clock
from tests.support.deliveries import NEWS, RecordingOutbox, add_resident


def dispatcher(db: Database, outbox: RecordingOutbox, clock: Clock) -> Dispatcher:
    return Dispatcher(DeliveryQueue(db), {"console": outbox}, translator, clock)


async def test_a_push_is_queued_once_and_sent_once_in_its_language(
    db: Database, clock: Clock
) -> None:
    amina = await add_resident(db, clock, "amina", "ar")
    hugo = await add_resident(db, clock, "hugo", "fr")
    queue = DeliveryQueue(db)
    for resident in (amina, hugo, amina):
        await queue.enqueue("status:R-1", resident, NEWS.to_json(), clock())
    outbox = RecordingOutbox()

    assert await dispatcher(db, outbox, clock).run_once() == 2
    assert await dispatcher(db, outbox, clock).run_once() == 0

    texts = {address.user: message.text for address, message in outbox.sent}
    assert texts == {"amina": NEWS.render(translator("ar")), "hugo": NEWS.render(translator("fr"))}
    assert await queue.counts() == {"sent": 2}


async def test_transient_failures_back_off_then_succeed(db: Database, clock: Clock) -> None:
    amina = await add_resident(db, clock, "amina", "ar")
    await DeliveryQueue(db).enqueue("k", amina, NEWS.to_json(), clock())
    outbox = RecordingOutbox()
    outbox.failures = [TransientFailure("429", retry_after=30), RuntimeError("boom")]
    sender = dispatcher(db, outbox, clock)

    assert await sender.run_once() == 1  # 429: wait 30 s as told
    clock.advance(seconds=29)
    assert await sender.run_once() == 0
    clock.advance(seconds=2)
    assert await sender.run_once() == 1  # unexpected error: exponential backoff
    assert outbox.sent == []
    clock.advance(seconds=20)
    assert await sender.run_once() == 1
    assert len(outbox.sent) == 1


async def test_unreachable_resident_is_not_retried(db: Database, clock: Clock) -> None:
    amina = await add_resident(db, clock, "amina", "ar")
    queue = DeliveryQueue(db)
    await queue.enqueue("k", amina, NEWS.to_json(), clock())
    outbox = RecordingOutbox()
    outbox.failures = [Unreachable("blocked the bot")]
    await dispatcher(db, outbox, clock).run_once()
    clock.advance(hours=2)
    assert await dispatcher(db, outbox, clock).run_once() == 0
    assert await queue.counts() == {"unreachable": 1}
    # The next push is not even tried: the platform would answer the same.
    await queue.enqueue("k2", amina, NEWS.to_json(), clock())
    assert await dispatcher(db, outbox, clock).run_once() == 1
    assert outbox.sent == []
    assert await queue.counts() == {"unreachable": 2}


async def test_a_message_from_an_unreachable_resident_makes_them_reachable_again(
    db: Database, gazetteer, clock: Clock
) -> None:
    from bot.app import build_engine
    from tests.resident import FakeResident
    from tests.support.vault import VAULT

    amina = FakeResident(build_engine(db, gazetteer, VAULT, clock))
    await amina.say("salam")
    rid = await resident_id(db, "amina")
    queue = DeliveryQueue(db)
    await queue.enqueue("k", rid, NEWS.to_json(), clock())
    outbox = RecordingOutbox()
    outbox.failures = [Unreachable("blocked the bot")]
    await dispatcher(db, outbox, clock).run_once()
    await amina.say("menu")
    await queue.enqueue("k2", rid, NEWS.to_json(), clock())
    assert await dispatcher(db, outbox, clock).run_once() == 1
    assert [address.user for address, _ in outbox.sent] == ["amina"]


async def test_status_callbacks_move_a_delivery_forward_only(db: Database, clock: Clock) -> None:
    amina = await add_resident(db, clock, "amina", "ar")
    queue = DeliveryQueue(db)
    await queue.enqueue("k", amina, NEWS.to_json(), clock())

    class Referencing(RecordingOutbox):
        async def send(self, push: Push) -> str | None:
            await super().send(push)
            return "SM123"

    await dispatcher(db, Referencing(), clock).run_once()
    assert await queue.status_callback("SM123", DeliveryStatus.DELIVERED, None, clock())
    assert await queue.status_callback("SM123", DeliveryStatus.READ, None, clock())
    # A late "sent" or "delivered" does not move it back.
    assert not await queue.status_callback("SM123", DeliveryStatus.DELIVERED, None, clock())
    assert await queue.counts() == {"read": 1}
    assert not await queue.status_callback("SM-unknown", DeliveryStatus.FAILED, "30008", clock())


async def resident_id(db: Database, user: str) -> int:
    async with db.transaction() as tx:
        return await tx.run(
            lambda conn: conn.execute(RESIDENT.select().where(RESIDENT.c.user_id == user)).one().id
        )


async def test_a_message_the_platform_refuses_fails_at_once(db: Database, clock: Clock) -> None:
    amina = await add_resident(db, clock, "amina", "ar")
    queue = DeliveryQueue(db)
    await queue.enqueue("k", amina, NEWS.to_json(), clock())
    outbox = RecordingOutbox()
    outbox.failures = [Rejected("Bad Request: message is too long")]
    await dispatcher(db, outbox, clock).run_once()
    clock.advance(hours=2)
    assert await dispatcher(db, outbox, clock).run_once() == 0, "not tried again"
    assert await queue.counts() == {"failed": 1}


async def test_attempts_run_out(db: Database, clock: Clock) -> None:
    amina = await add_resident(db, clock, "amina", "ar")
    queue = DeliveryQueue(db)
    await queue.enqueue("k", amina, NEWS.to_json(), clock())
    outbox = RecordingOutbox()
    outbox.failures = [TransientFailure("down")] * (MAX_ATTEMPTS + 2)
    for _attempt in range(MAX_ATTEMPTS + 2):
        await dispatcher(db, outbox, clock).run_once()
        clock.advance(hours=2)
    assert await queue.counts() == {"failed": 1}


async def test_a_crash_mid_send_leaves_the_push_to_come_due_again(
    db: Database, clock: Clock
) -> None:
    amina = await add_resident(db, clock, "amina", "ar")
    queue = DeliveryQueue(db)
    await queue.enqueue("k", amina, NEWS.to_json(), clock())
    claimed = await queue.claim(clock(), "console")  # a process claims it, then dies
    assert len(claimed) == 1
    assert await queue.claim(clock(), "console") == [], "leased: nobody else takes it meanwhile"
    clock.advance(seconds=LEASE.total_seconds() + 1)
    outbox = RecordingOutbox()
    assert await dispatcher(db, outbox, clock).run_once() == 1
    assert len(outbox.sent) == 1


async def test_two_dispatchers_never_send_the_same_push_twice(db: Database, clock: Clock) -> None:
    residents = [await add_resident(db, clock, f"r{i}", "fr") for i in range(30)]
    queue = DeliveryQueue(db)
    for resident in residents:
        await queue.enqueue("broadcast:1", resident, NEWS.to_json(), clock())
    outbox = RecordingOutbox()
    first, second = dispatcher(db, outbox, clock), dispatcher(Database(db.url), outbox, clock)
    try:
        for _round in range(5):
            await asyncio.gather(first.run_once(batch=4), second.run_once(batch=4))
        while await first.run_once():
            pass
    finally:
        await second.queue.db.close()
    users = [address.user for address, _ in outbox.sent]
    assert sorted(users) == sorted(f"r{i}" for i in range(30))


async def test_a_late_claim_cannot_overwrite_the_one_that_took_over(
    db: Database, clock: Clock
) -> None:
    amina = await add_resident(db, clock, "amina", "ar")
    queue = DeliveryQueue(db)
    await queue.enqueue("k", amina, NEWS.to_json(), clock())
    (stale,) = await queue.claim(clock(), "console")
    clock.advance(seconds=LEASE.total_seconds() + 1)
    (fresh,) = await queue.claim(clock(), "console")
    assert await queue.record([DeliveryOutcome(fresh, DeliveryStatus.SENT, clock())]) == 1
    late = DeliveryOutcome(stale, DeliveryStatus.PENDING, clock(), "late")
    assert await queue.record([late]) == 0, "the expired claim owns nothing"
    assert await queue.counts() == {"sent": 1}


async def test_a_batch_too_slow_for_its_lease_stops_sending(db: Database, clock: Clock) -> None:
    for user in ("a", "b"):
        await DeliveryQueue(db).enqueue(
            "k", await add_resident(db, clock, user, "fr"), NEWS.to_json(), clock()
        )

    class SlowOutbox(RecordingOutbox):
        async def send(self, push: Push) -> str | None:
            await super().send(push)
            clock.advance(seconds=LEASE.total_seconds())  # the first send eats the whole lease
            return None

    outbox = SlowOutbox()
    assert await dispatcher(db, outbox, clock).run_once() == 2
    assert len(outbox.sent) == 1, "the second row is left to come due again, not sent late"
    assert await dispatcher(db, outbox, clock).run_once() == 1
    assert len(outbox.sent) == 2


async def test_only_channels_with_an_outbox_are_claimed(db: Database, clock: Clock) -> None:
    amina = await add_resident(db, clock, "amina", "ar")
    queue = DeliveryQueue(db)
    await queue.enqueue("k", amina, NEWS.to_json(), clock())
    assert await queue.claim(clock(), "telegram") == []
    assert len(await queue.claim(clock(), "console")) == 1


async def test_a_resident_who_said_stop_gets_nothing(db: Database, clock: Clock) -> None:
    amina = await add_resident(db, clock, "amina", "ar")
    async with db.transaction() as tx:
        await tx.run(lambda conn: conn.execute(RESIDENT.update().values(pushes_enabled=False)))
    queue = DeliveryQueue(db)
    await queue.enqueue("k", amina, NEWS.to_json(), clock())
    outbox = RecordingOutbox()
    assert await dispatcher(db, outbox, clock).run_once() == 1
    assert outbox.sent == []
    assert await queue.counts() == {"opted_out": 1}


async def test_an_unrenderable_push_is_failed_and_does_not_block_the_rest(
    db: Database, clock: Clock
) -> None:
    queue = DeliveryQueue(db)
    await queue.enqueue("bad", await add_resident(db, clock, "a", "fr"), {"t": "nonsense"}, clock())
    await queue.enqueue("good", await add_resident(db, clock, "b", "fr"), NEWS.to_json(), clock())
    outbox = RecordingOutbox()
    assert await dispatcher(db, outbox, clock).run_once() == 2
    assert [address.user for address, _ in outbox.sent] == ["b"]
    assert await queue.counts() == {"failed": 1, "sent": 1}


async def test_a_platform_id_is_on_its_row_before_the_rest_of_the_batch_is_sent(
    db: Database, clock: Clock
) -> None:
    queue = DeliveryQueue(db)
    for user in ("a", "b"):
        await queue.enqueue("k", await add_resident(db, clock, user, "fr"), NEWS.to_json(), clock())

    async def recorded() -> list[tuple[str, str]]:
        query = select(DELIVERY.c.provider_ref, DELIVERY.c.status).where(
            DELIVERY.c.provider_ref.is_not(None)
        )
        async with db.transaction() as tx:
            return [tuple(row) for row in await tx.run(lambda c: c.execute(query).all())]

    class Calling(RecordingOutbox):
        async def send(self, push: Push) -> str | None:
            if push.address.user == "a":
                return "SM-a"
            # Twilio may call back about "a" while "b" is still on its way (bounded: 2 s).
            for _tick in range(200):
                self.seen = await recorded()
                if self.seen:
                    break
                await asyncio.sleep(0.01)
            return "SM-b"

    outbox = Calling()
    sender = Dispatcher(queue, {"console": outbox}, translator, clock, concurrency=2)
    await sender.run_once()
    assert outbox.seen == [("SM-a", "sent")]
