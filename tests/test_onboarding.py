"""Onboarding through the real engine, as a resident would go through it, in Arabic and French."""

from __future__ import annotations

from sqlalchemy import select

from bot.i18n import translator
from conversations.menu import HOME, ITEMS
from conversations.onboarding import ASK_COMMUNE, PRIVACY, WELCOME
from conversations.text import Renderable
from storage.database import Database
from storage.models import RESIDENT
from tests.resident import FakeResident

MENU_IDS = [item.id for item in ITEMS]


def render(text: Renderable, locale: str) -> str:
    return text.render(translator(locale))


async def resident_row(db: Database, user: str) -> dict[str, object]:
    async with db.transaction() as tx:
        row = await tx.run(
            lambda conn: conn.execute(select(RESIDENT).where(RESIDENT.c.user_id == user)).one()
        )
    return dict(row._mapping)


async def test_arabic_onboarding_by_typed_name(resident: FakeResident, sqlite_db: Database) -> None:
    await resident.say("السلام عليكم")
    assert resident.option_ids == ["ar", "fr", "zgh", "zgh_Latn", "en"]
    assert render(WELCOME, "ar") in resident.text

    await resident.say("1")
    assert resident.text == render(PRIVACY.text, "ar")
    await resident.say("١")  # Arabic-Indic digit one: "I agree"
    assert resident.last[-1].text == render(ASK_COMMUNE.text, "ar")
    assert resident.last[-1].ask_location

    await resident.say("الدار البيضاء")
    candidates = resident.option_ids[:-1]
    assert len(candidates) >= 2, resident.text
    assert resident.option_ids[-1] == "other"
    await resident.say("٢")  # second candidate, typed in Arabic-Indic digits

    assert resident.last[-1].text == render(HOME.text, "ar")
    assert resident.option_ids == MENU_IDS
    row = await resident_row(sqlite_db, "amina")
    assert row["language"] == "ar"
    assert row["commune_code"] == candidates[1]
    assert row["consent_version"] and row["consented_at"]


async def test_french_onboarding_by_location_pin(engine, sqlite_db: Database) -> None:
    youssef = FakeResident(engine, user="youssef", language_hint="fr")
    await youssef.say("salam")
    # A greeting of every language: Telegram's language hint preselects, French first, and the
    # welcome in French.
    assert youssef.option_ids[0] == "fr"
    assert render(WELCOME, "fr") in youssef.text

    await youssef.say("Français")  # the label, typed
    assert youssef.text == render(PRIVACY.text, "fr")
    agree = dict(youssef.options)["agree"]
    await youssef.say(agree.upper())  # labels match whatever the case
    await youssef.share_location(30.4205, -9.5981)  # Agadir, near the town hall
    assert "Agadir" in youssef.text
    await youssef.say("1")

    assert youssef.last[-1].text == render(HOME.text, "fr")
    row = await resident_row(sqlite_db, "youssef")
    assert row["language"] == "fr"
    assert row["commune_code"] == youssef_commune(engine)


def youssef_commune(engine) -> str:
    commune = engine.store.gazetteer.at(30.4205, -9.5981)
    assert commune is not None and "Agadir" in commune.name_fr
    return commune.code


async def test_pin_at_sea_gets_a_clear_answer(resident: FakeResident) -> None:
    await resident.say("salam")
    await resident.say("2")  # Français
    await resident.tap("agree")
    await resident.share_location(33.75, -8.2)  # Atlantic, off Casablanca
    assert "commune" in resident.text.lower()
    # The answer says what to do; the question is not repeated, its location button stays.
    (answer,) = resident.last
    assert answer.ask_location and render(ASK_COMMUNE.text, "fr") not in answer.text


async def test_typo_and_hamza_tolerant_search(resident: FakeResident) -> None:
    await resident.say("salam")
    await resident.tap("fr")
    await resident.tap("agree")
    await resident.say("Agadri")
    assert any("Agadir" in label for _, label in resident.options)
    await resident.say("اكادير")
    assert any("Agadir" in label for _, label in resident.options)


async def test_unknown_commune_is_said_and_asked_again(resident: FakeResident) -> None:
    await resident.say("salam")
    await resident.tap("ar")
    await resident.tap("agree")
    await resident.say("xqzwv")
    assert "xqzwv" in resident.text
    (answer,) = resident.last
    assert answer.ask_location and render(ASK_COMMUNE.text, "ar") not in answer.text
    await resident.say("؟")  # help: the question in full
    assert resident.last[-1].text == render(ASK_COMMUNE.text, "ar")


async def test_declining_consent_keeps_asking(resident: FakeResident, sqlite_db: Database) -> None:
    await resident.say("salam")
    await resident.tap("en")
    await resident.tap("decline")
    assert "consent" in resident.text
    assert resident.option_ids == ["agree", "decline"]
    row = await resident_row(sqlite_db, "amina")
    assert row["consent_version"] is None


async def test_choosing_other_asks_for_the_name_again(resident: FakeResident) -> None:
    await resident.say("salam")
    await resident.tap("en")
    await resident.tap("agree")
    await resident.say("Rabat")
    await resident.tap("other")
    assert resident.last[-1].text == render(ASK_COMMUNE.text, "en")
