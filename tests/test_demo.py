"""The demo set: loaded once, on request, and a newcomer can sign a demo petition at once."""

from __future__ import annotations

from bot.demo import load_demo
from storage.database import Database
from tests.resident import FakeResident
from tests.support.clock import Clock


async def test_the_demo_loads_once_and_its_petition_can_be_signed(
    engine, sqlite_db: Database, clock: Clock
) -> None:
    codes = await load_demo(sqlite_db, clock())
    assert codes is not None and len(codes) == 2
    assert await load_demo(sqlite_db, clock()) is None, "loaded once"

    newcomer = FakeResident(engine, "newcomer")
    await newcomer.say("salam")
    await newcomer.tap("fr")
    await newcomer.tap("agree")
    await newcomer.say("Ben M'Sick")
    await newcomer.say("1")
    await newcomer.tap("petitions")
    await newcomer.tap(codes[0])
    await newcomer.tap("sign")
    await newcomer.tap("agree")
    await newcomer.say("Nadia Demo")
    await newcomer.say("ZZ999999")
    await newcomer.tap("yes")
    await newcomer.tap("confirm")
    assert "1/5" in newcomer.text
