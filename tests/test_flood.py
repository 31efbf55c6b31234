"""Flood control: a resident's flood gets one notice and costs no database work; others, and
organizers' pushes, are not slowed down."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from bot.app import build_engine
from bot.dispatcher import Dispatcher
from bot.i18n import translator
from conversations.flood import Flood, Limit, Verdict
from conversations.kit import Address
from conversations.phrases import SLOW_DOWN
from conversations.seams import Push
from conversations.text import Verbatim
from storage.database import Database
from storage.deliveries import DeliveryQueue
from storage.models import INBOX, RESIDENT
from tests.resident import FakeResident
from tests.support.clock import Clock
from tests.support.petitions import onboard
from tests.support.vault import VAULT

AMINA = Address("whatsapp", "+212612345678")


class Ticks:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_two_hundred_messages_in_ten_seconds_get_one_notice() -> None:
    ticks = Ticks()
    flood = Flood(Limit(per_minute=20, burst=5), clock=ticks)
    verdicts = []
    for _ in range(200):
        verdicts.append(flood.check(AMINA))
        ticks.now += 0.05
    assert verdicts.count(Verdict.NOTICE) == 1
    # The burst, then 20 a minute: 5 + 10 s × 1/3 per second.
    assert verdicts.count(Verdict.ADMIT) == 8
    assert verdicts[:6] == [Verdict.ADMIT] * 5 + [Verdict.NOTICE]
    # A quiet minute later the bucket is full again, and a new flood gets a new notice.
    ticks.now += 60
    assert [flood.check(AMINA) for _ in range(7)][-2:] == [Verdict.NOTICE, Verdict.DROP]


def test_exempt_channels_and_other_residents_are_not_slowed() -> None:
    ticks = Ticks()
    organizer = Address("telegram", "42")
    flood = Flood(
        Limit(per_minute=20, burst=5),
        exempt=frozenset({"console"}),
        clock=ticks,
        trusted=frozenset({organizer}),
    )
    for _ in range(50):
        flood.check(AMINA)
    assert flood.check(Address("whatsapp", "+212700000000")) is Verdict.ADMIT
    assert all(flood.check(Address("console", "org")) is Verdict.ADMIT for _ in range(50))
    assert all(flood.check(organizer) is Verdict.ADMIT for _ in range(50))


class Recorder:
    channel = "whatsapp"

    def __init__(self) -> None:
        self.sent: list[Push] = []

    async def send(self, push: Push) -> str | None:
        self.sent.append(push)
        return "SM1"


async def test_a_flood_costs_no_database_work_and_pushes_still_go(
    sqlite_db: Database, gazetteer: Any, clock: Clock
) -> None:
    ticks = Ticks()
    flood = Flood(Limit(per_minute=20, burst=5), clock=ticks)
    engine = build_engine(sqlite_db, gazetteer, VAULT, clock, flood=flood)
    amina = FakeResident(engine, AMINA.user, channel=AMINA.channel)
    original = amina.send

    async def patient(**fields: object) -> Any:
        ticks.now += 5  # onboarding at a person's pace
        return await original(**fields)

    amina.send = patient  # type: ignore[method-assign]
    await onboard(amina, "fr")
    amina.send = original  # type: ignore[method-assign]

    async def inbox_rows() -> int:
        async with sqlite_db.transaction() as tx:
            query = select(func.count()).select_from(INBOX)
            return int(await tx.run(lambda c: c.execute(query).scalar_one()))

    ticks.now += 60  # a quiet minute: her bucket is full
    before = await inbox_rows()
    answers: list[str] = []
    for i in range(200):
        answers.extend(out.text for out in await amina.say(f"spam {i}"))
        ticks.now += 0.05
    notice = SLOW_DOWN.render(translator("fr"))
    assert answers.count(notice) == 1, "one notice, in her language"
    # Only admitted messages reached the database: 5 at once, then 20 a minute.
    assert await inbox_rows() - before == 8

    # An organizer's notice is a push: it goes out whatever her flood.
    async with sqlite_db.transaction() as tx:
        query = select(RESIDENT.c.id).where(RESIDENT.c.user_id == AMINA.user)
        rid = await tx.run(lambda c: c.execute(query).scalar_one())
    queue = DeliveryQueue(sqlite_db)
    await queue.enqueue("broadcast:1", rid, Verbatim("Meeting tonight").to_json(), clock())
    outbox = Recorder()
    await Dispatcher(queue, {"whatsapp": outbox}, translator, clock).run_once()
    assert [push.address for push in outbox.sent] == [AMINA]


async def test_erasure_leaves_nothing_of_the_resident_in_the_flood_memory(
    sqlite_db: Database, gazetteer: Any, clock: Clock
) -> None:
    flood = Flood(Limit(per_minute=1000, burst=1000))
    engine = build_engine(sqlite_db, gazetteer, VAULT, clock, flood=flood)
    amina = FakeResident(engine, AMINA.user, channel=AMINA.channel)
    await onboard(amina, "fr")
    assert flood.locale(AMINA) == "fr"
    await amina.say("supprimer mes données")
    await amina.tap("confirm")
    assert flood.locale(AMINA) is None
