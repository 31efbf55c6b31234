"""Petitions through the engine: read, sign once per CIN and per resident, withdraw, notices."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select, update

from bot.app import build_engine
from bot.i18n import translator
from conversations.engine import Engine
from conversations.petition import PetitionLife
from storage.database import Database
from storage.models import DELIVERY, PETITION, SIGNATURE
from storage.petitions import move, settle, sign
from tests.resident import FakeResident
from tests.support.clock import Clock
from tests.support.petitions import PIN, count, onboard, open_petition, sign_by_chat
from tests.support.vault import VAULT


@pytest.fixture
def engine_on_both(db: Database, gazetteer, clock: Clock):
    return build_engine(db, gazetteer, VAULT, clock)


async def test_residents_read_and_sign_in_arabic_and_french(
    engine_on_both, db: Database, clock: Clock
) -> None:
    amina, hugo = FakeResident(engine_on_both, "amina"), FakeResident(engine_on_both, "hugo")
    commune = await onboard(amina, "ar")
    await onboard(hugo, "fr")
    code = await open_petition(db, clock, commune)

    await amina.tap("petitions")
    assert code in amina.option_ids
    await amina.tap(code)
    assert "▱▱▱▱▱ 0/3" in amina.texts[0]
    await amina.tap("read")
    assert "20 lampadaires" in amina.texts[0]
    await amina.tap("back")  # to the list
    await amina.tap("back")  # to the menu
    await sign_by_chat(amina, code, "أمينة العلوي", "ab 123456")
    await sign_by_chat(hugo, code, "Hugo Benali", "BK-654321")
    assert "▰▰▰▱▱ 2/3" in hugo.text

    assert await count(db) == (2, 2)
    async with db.transaction() as tx:
        sealed = await tx.run(lambda c: c.execute(select(SIGNATURE.c.cin_sealed)).scalars().all())
    assert sorted(VAULT.open(token) for token in sealed) == ["AB123456", "BK654321"]


async def test_one_cin_signs_once_whatever_its_spelling(
    engine, sqlite_db: Database, clock: Clock
) -> None:
    amina, karim = FakeResident(engine, "amina"), FakeResident(engine, "karim")
    commune = await onboard(amina, "fr")
    await onboard(karim, "fr")
    code = await open_petition(sqlite_db, clock, commune)
    await sign_by_chat(amina, code, "Amina Alaoui", "ab 123456")
    await sign_by_chat(karim, code, "Karim Alaoui", "AB١٢٣٤٥٦")
    # Refused, naming whom to tell; and nothing says when, or even whether, the other signed.
    refused = translator("fr").gettext(
        "This CIN card has already signed this petition: a card can sign it only once. If it "
        "was not you, tell the organizers of the petition or its representative, {name}."
    )
    assert karim.texts[0] == refused.format(name="Fatima Zahra")
    assert "2026" not in karim.text, "another account's CIN does not say when it signed"
    assert karim.option_ids == ["read", "sign", "back"], "Karim has not signed"
    await sign_by_chat(karim, code, "Karim Alaoui", "AB-123456")
    assert await count(sqlite_db) == (1, 1)


@pytest.mark.parametrize(
    ("step", "typed"),
    [("cin", "123"), ("name", "x" * 300), ("name", '=HYPERLINK("http://x")'), ("name", "@admin")],
)
async def test_bad_answers_are_refused_and_nothing_is_kept(
    engine, sqlite_db: Database, clock: Clock, step: str, typed: str
) -> None:
    amina = FakeResident(engine, "amina")
    code = await open_petition(sqlite_db, clock, await onboard(amina, "fr"))
    await amina.tap("petitions")
    await amina.tap(code)
    await amina.tap("sign")
    await amina.tap("agree")
    if step == "cin":
        await amina.say("Amina Alaoui")
    await amina.say(typed)
    assert not amina.option_ids, "asked again, in words"
    assert await count(sqlite_db) == (0, 0)


async def test_withdraw_while_open_not_after_filing(
    engine, sqlite_db: Database, clock: Clock
) -> None:
    amina = FakeResident(engine, "amina")
    # A threshold of one: the petition can be filed as soon as one signature stands.
    code = await open_petition(sqlite_db, clock, await onboard(amina, "fr"), threshold=1)
    await sign_by_chat(amina, code, "Amina Alaoui", "AB123456")
    await amina.tap("withdraw")
    await amina.tap("withdraw")
    assert await count(sqlite_db) == (0, 0)
    await amina.tap("sign")
    await amina.tap("agree")
    await amina.say("Amina Alaoui")
    await amina.say("AB123456")
    await amina.tap("yes")
    await amina.tap("confirm")
    async with sqlite_db.transaction() as tx:
        await tx.run(move, code, PetitionLife.FILED, "", "organizer", clock())
    await amina.tap("read")  # the card again, as it is now
    assert "withdraw" not in amina.option_ids, "a filed petition keeps its signatures"
    await amina.send(option="withdraw")  # a button from before the filing
    assert "withdraw" not in amina.option_ids
    assert await count(sqlite_db) == (1, 1)


async def test_two_hundred_concurrent_signers_twice_each(
    db: Database, gazetteer, clock: Clock
) -> None:
    code = await open_petition(db, clock, "141.01.61", threshold=200)
    async with db.transaction() as tx:
        ids = await tx.run(_residents, 200, clock())

    async def signer(i: int) -> list[str]:
        outcomes = []
        for _ in range(2):
            cin = f"AB{100000 + i}"
            async with db.transaction() as tx:
                result = await tx.run(
                    sign, code, ids[i], f"Signer {i}", VAULT.key(cin), VAULT.seal(cin), clock()
                )
            if result.unsettled is not None:  # committed: the threshold, seen with the others
                async with db.transaction() as tx:
                    await tx.run(settle, result.unsettled, ids[i], clock())
            outcomes.append(result.outcome)
        return outcomes

    results = await asyncio.wait_for(asyncio.gather(*(signer(i) for i in range(200))), 120)
    assert all(first == "signed" and second == "already" for first, second in results)
    assert await count(db) == (200, 200)
    async with db.transaction() as tx:
        status = await tx.run(lambda c: c.execute(select(PETITION.c.status)).scalar_one())
        notices = await tx.run(
            lambda c: c.execute(select(func.count()).select_from(DELIVERY)).scalar_one()
        )
    assert status == "threshold_reached"
    assert notices == 200, "the threshold notice goes to each signer once"


def _residents(conn, n: int, now) -> list[int]:
    from storage.dialect import insert_ignore
    from storage.models import RESIDENT

    for i in range(n):
        insert_ignore(
            conn,
            RESIDENT,
            channel="console",
            user_id=f"s{i}",
            language="fr",
            pushes_enabled=True,
            created_at=now,
        )
    return [row.id for row in conn.execute(select(RESIDENT.c.id).order_by(RESIDENT.c.id))]


async def test_a_shared_link_opens_the_petition(engine, sqlite_db: Database, clock: Clock) -> None:
    amina = FakeResident(engine, "amina")
    code = await open_petition(sqlite_db, clock, await onboard(amina, "fr"))
    await amina.say(f"P {code.lower()}")  # a WhatsApp first message, typed by hand
    assert amina.option_ids == ["read", "sign", "back"]
    assert "Éclairage du boulevard" in amina.texts[0]


async def test_a_telegram_start_link_opens_the_petition_after_onboarding(
    engine, sqlite_db: Database, clock: Clock
) -> None:
    code = await open_petition(sqlite_db, clock, engine.store.gazetteer.at(*PIN).code)
    newcomer = FakeResident(engine, "newcomer", language_hint="fr")
    await newcomer.send(text="/start", start_payload=f"p_{code}")
    assert newcomer.option_ids[0] == "fr", "onboarding comes first"
    await newcomer.tap("fr")
    await newcomer.tap("agree")
    await newcomer.share_location(*PIN)
    await newcomer.say("1")
    assert newcomer.option_ids == ["read", "sign", "back"]


async def test_my_signatures_lists_what_was_signed(
    engine, sqlite_db: Database, clock: Clock
) -> None:
    amina = FakeResident(engine, "amina")
    code = await open_petition(sqlite_db, clock, await onboard(amina, "en"))
    await sign_by_chat(amina, code, "Amina Alaoui", "AB123456")
    await amina.say("menu")
    await amina.tap("activity")
    await amina.tap("signatures")
    assert "Éclairage du boulevard" in amina.texts[0] and "1/3" in amina.texts[0]


async def test_a_petition_past_its_deadline_closes_and_tells_its_signers(
    engine, sqlite_db: Database, clock: Clock
) -> None:
    from storage.petitions import close_expired_petitions

    amina = FakeResident(engine, "amina")
    code = await open_petition(sqlite_db, clock, await onboard(amina, "fr"))
    await sign_by_chat(amina, code, "Amina Alaoui", "AB123456")
    assert await close_expired_petitions(sqlite_db, clock()) == []
    clock.advance(days=32)
    assert await close_expired_petitions(sqlite_db, clock()) == [code]
    async with sqlite_db.transaction() as tx:
        status = await tx.run(lambda c: c.execute(select(PETITION.c.status)).scalar_one())
    assert status == "closed"


async def test_a_cin_that_looks_like_a_shared_link_is_taken_as_a_cin(
    engine, sqlite_db: Database, clock: Clock
) -> None:
    amina = FakeResident(engine, "amina")
    code = await open_petition(sqlite_db, clock, await onboard(amina, "fr"))
    await sign_by_chat(amina, code, "Amina Alaoui", "P 234567")
    assert await count(sqlite_db) == (1, 1)


async def test_crossing_the_threshold_while_a_signer_writes_does_not_deadlock(
    db: Database, gazetteer, clock: Clock
) -> None:
    from conversations.kit import Address
    from storage.store import SqlStore

    store = SqlStore(db, gazetteer, VAULT, clock)
    code = await open_petition(db, clock, "141.01.61", threshold=2)
    first, second = Address("console", "A"), Address("console", "B")
    async with store.unit(first) as unit:
        await unit.open("a1")
        await unit.services.petitions.sign_petition(code, "Amina A", VAULT.seal("AB123456"))
    first_holds = asyncio.Event()

    async def again() -> object:
        # The first signer's next message holds their row while the second one crosses.
        async with store.unit(first) as unit:
            await unit.open("a2")
            first_holds.set()
            await asyncio.sleep(0.3)
            return await unit.services.petitions.sign_petition(
                code, "Amina A", VAULT.seal("AB123456")
            )

    async def crossing() -> object:
        await first_holds.wait()
        async with store.unit(second) as unit:
            await unit.open("b1")
            return await unit.services.petitions.sign_petition(
                code, "Bilal B", VAULT.seal("CD654321")
            )

    repeated, crossed = await asyncio.wait_for(asyncio.gather(again(), crossing()), 30)
    assert (repeated.outcome, crossed.outcome) == ("already", "signed")
    assert await count(db) == (2, 2)


async def test_an_abandoned_signature_leaves_no_name_or_cin_after_a_week(
    engine, sqlite_db: Database, clock: Clock
) -> None:
    from storage.models import CONVERSATION
    from storage.retention import KEEP, forget_abandoned_answers

    amina = FakeResident(engine, "amina")
    code = await open_petition(sqlite_db, clock, await onboard(amina, "fr"))
    await amina.tap("petitions")
    await amina.tap(code)
    await amina.tap("sign")
    await amina.tap("agree")
    await amina.say("Amina Alaoui")
    await amina.say("AB123456")  # and then silence, at the eligibility question
    assert await forget_abandoned_answers(sqlite_db, clock()) == 0
    clock.advance(seconds=KEEP.total_seconds() + 60)
    assert await forget_abandoned_answers(sqlite_db, clock()) == 1
    async with sqlite_db.transaction() as tx:
        data = await tx.run(lambda c: c.execute(select(CONVERSATION.c.data)).scalar_one())
    assert "Amina" not in data and data == "{}"
    await amina.say("bonjour")  # back after two weeks: the menu, not a half-done signature
    assert "petitions" in amina.option_ids


async def test_residents_narrow_the_open_petitions_to_a_theme(
    engine: Engine, sqlite_db: Database, clock: Clock
) -> None:
    amina = FakeResident(engine, "amina")
    commune = await onboard(amina, "en")
    lights = await open_petition(sqlite_db, clock, commune)
    bus = await open_petition(sqlite_db, clock, commune)
    async with sqlite_db.transaction() as tx:
        await tx.run(
            lambda c: c.execute(
                update(PETITION).where(PETITION.c.code == bus).values(category="school_transport")
            )
        )
    await amina.say("menu")
    await amina.tap("petitions")
    assert {lights, bus, "by_theme"} <= set(amina.option_ids)
    await amina.tap("by_theme")
    assert amina.option_ids == ["school_transport", "other", "all_themes"]
    await amina.tap("school_transport")
    assert bus in amina.option_ids and lights not in amina.option_ids
    assert "all_themes" in amina.option_ids
    await amina.tap("all_themes")
    assert {lights, bus} <= set(amina.option_ids)
    # A theme whose petitions closed while the resident chose it: the others are offered.
    await amina.tap("by_theme")
    async with sqlite_db.transaction() as tx:
        await tx.run(move, bus, PetitionLife.CLOSED, "", "organizer", clock())
    await amina.tap("school_transport")
    assert amina.option_ids == ["all_themes", "back"]
    await amina.tap("all_themes")
    assert lights in amina.option_ids and bus not in amina.option_ids
