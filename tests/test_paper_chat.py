"""Organizer tools → Paper signatures, in the chat: an organizer types a sheet line by line, the
sheet's day and number asked once; a card already counted is said so; the CIN never rests in
the conversation in clear; a resident who does not organize cannot open it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.app import build_engine
from storage.database import Database
from storage.gazetteer import Gazetteer
from storage.models import CONVERSATION, SIGNATURE
from tests.resident import FakeResident
from tests.support.clock import Clock
from tests.support.organizers import invite
from tests.support.petitions import count, onboard, open_petition
from tests.support.vault import VAULT


async def _at_paper(organizer: FakeResident, db: Database, clock: Clock, language: str) -> str:
    commune = await onboard(organizer, language)
    code = await open_petition(db, clock, commune, threshold=50)
    await organizer.say(f"ORG {await invite(db, clock, commune)}")
    await organizer.say("menu")
    await organizer.tap("meetings")
    await organizer.tap("organize")
    await organizer.tap("paper")
    return code


@pytest.mark.parametrize("language", ["ar", "fr", "zgh", "zgh_Latn", "en"])
async def test_an_organizer_types_a_sheet_line_by_line(
    sqlite_db: Database, gazetteer: Gazetteer, clock: Clock, language: str
) -> None:
    engine = build_engine(sqlite_db, gazetteer, VAULT, clock)
    khadija = FakeResident(engine, "khadija")
    code = await _at_paper(khadija, sqlite_db, clock, language)
    assert khadija.option_ids == [code, "back"]
    await khadija.tap(code)
    assert khadija.option_ids == ["today", "back"]
    await khadija.say("٠٥/١١/٢٠٢٦")  # Arabic-Indic digits, day first
    assert khadija.option_ids == ["no_sheet", "back"]
    await khadija.say("7")
    for name, cin in (("Fatima Alaoui", "AB 100001"), ("Omar Bennani", "CD200002")):
        await khadija.say(name)
        await khadija.say(cin)
        await khadija.say("Hay Ben M'Sick")
        assert khadija.option_ids == ["another", "done"]
        await khadija.tap("another")
    await khadija.say("Fatima bis")
    await khadija.say("ab-0100001")
    async with sqlite_db.transaction() as tx:
        kept = await tx.run(lambda c: c.execute(select(CONVERSATION.c.data)).scalars().all())
    assert not any("100001" in data for data in kept), "the CIN is sealed as soon as typed"
    await khadija.say("Hay Ben M'Sick")
    assert await count(sqlite_db) == (2, 2), "one card counts once"
    await khadija.tap("done")
    assert "paper" in khadija.option_ids, "back at the organizer tools"
    async with sqlite_db.transaction() as tx:
        rows = await tx.run(
            lambda c: c.execute(
                select(SIGNATURE.c.source, SIGNATURE.c.sheet, SIGNATURE.c.signed_on)
            ).all()
        )
    assert {(r.source, r.sheet, r.signed_on.isoformat()) for r in rows} == {
        ("paper", "7", "2026-11-05")
    }


async def test_the_english_words_of_a_line(
    sqlite_db: Database, gazetteer: Gazetteer, clock: Clock
) -> None:
    engine = build_engine(sqlite_db, gazetteer, VAULT, clock)
    khadija = FakeResident(engine, "khadija")
    code = await _at_paper(khadija, sqlite_db, clock, "en")
    await khadija.tap(code)
    await khadija.say("31/12/2030")
    assert "not after today" in khadija.text, "a day to come is asked again"
    await khadija.tap("today")
    await khadija.tap("no_sheet")
    await khadija.say("Fatima Alaoui")
    await khadija.say("12345")
    assert "cannot be read" in khadija.text and khadija.option_ids == []
    await khadija.say("back")
    assert "full name" in khadija.text, "back is one question back, the sheet kept"
    await khadija.say("Fatima Alaoui")
    await khadija.say("AB100001")
    await khadija.say("Hay Ben M'Sick")
    assert (
        "Counted: Fatima Alaoui (AB••••01). 1 line counted from this sheet so far." in khadija.text
    )
    await khadija.tap("another")
    await khadija.say("Fatima bis")
    await khadija.say("AB100001")
    await khadija.say("Hay Ben M'Sick")
    assert "has already signed, on 22 November 2026: it is not counted twice" in khadija.text


async def test_a_resident_who_does_not_organize_cannot_type_a_sheet(
    sqlite_db: Database, gazetteer: Gazetteer, clock: Clock
) -> None:
    engine = build_engine(sqlite_db, gazetteer, VAULT, clock)
    omar = FakeResident(engine, "omar")
    await onboard(omar, "en")
    await omar.say("menu")
    await omar.tap("meetings")
    assert "organize" not in omar.option_ids
