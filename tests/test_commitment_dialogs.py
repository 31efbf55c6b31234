"""Commitments in the chat, in the four languages: an organizer records one under Organizer
tools → Commitments (a past due date and an empty text answered), a resident of the commune
finds it under Menu → Commitments with its status and history and follows it, the organizer
changes its status with a note (an unknown number answered) and the follower is told, in their
language, the note as typed; on WhatsApp the same by numbered menus."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from bot.app import build_engine
from bot.i18n import translator
from conversations import menu
from conversations.commitment import LIFE_LABELS, CommitmentLife
from conversations.text import Renderable, _, from_json
from storage.announcements import expand_due
from storage.database import Database
from storage.gazetteer import Gazetteer
from storage.models import DELIVERY
from tests.resident import FakeResident
from tests.support.clock import Clock
from tests.support.organizers import invite
from tests.support.petitions import PIN, onboard
from tests.support.vault import VAULT
from tests.whatsapp_phone import WhatsApp, settled

NOTE = "Le devis est signé, travaux en janvier"


def said(text: Renderable, language: str) -> str:
    return text.render(translator(language))


async def at_tools(organizer: FakeResident, db: Database, clock: Clock, language: str) -> str:
    commune = await onboard(organizer, language)
    await organizer.say(f"ORG {await invite(db, clock, commune)}")
    await organizer.say("menu")
    await organizer.tap("meetings")
    await organizer.tap("organize")
    await organizer.tap("commitments")
    return commune


async def notices(db: Database) -> list[tuple[int, str]]:
    async with db.transaction() as tx:
        rows = await tx.run(
            lambda c: c.execute(
                select(DELIVERY.c.resident_id, DELIVERY.c.body).where(
                    DELIVERY.c.message_key.like("announcement:%")
                )
            ).all()
        )
    return [(r.resident_id, r.body) for r in rows]


def rendered(body: str, language: str) -> str:
    return from_json(json.loads(body)).render(translator(language))


@pytest.mark.parametrize("language", ["ar", "fr", "zgh", "zgh_Latn", "en"])
async def test_recorded_followed_and_its_change_told(
    sqlite_db: Database, gazetteer: Gazetteer, clock: Clock, language: str
) -> None:
    engine = build_engine(sqlite_db, gazetteer, VAULT, clock)
    khadija, amina = FakeResident(engine, "khadija"), FakeResident(engine, "amina")
    await at_tools(khadija, sqlite_db, clock, language)
    assert said(_("No commitment is recorded in your communes yet."), language) in khadija.text
    assert khadija.option_ids == ["add", "change", "back"]
    await khadija.tap("add")
    await khadija.say("Réparer les lampadaires du boulevard")
    await khadija.say("Conseil communal")
    await khadija.say("01/01/2020")
    past = _("This date is past: the due date must be today or later.")
    assert khadija.texts[0] == said(past, language)
    await khadija.say("٣١/٠٣/٢٠٢٧")  # Arabic-Indic digits, day first
    recorded = _(
        "Commitment {number} recorded. Residents of the commune see it under Menu → "
        "Commitments, and can follow it.",
        number=1,
    )
    assert khadija.texts[0] == said(recorded, language)
    await onboard(amina, language)
    await amina.say("menu")
    await amina.tap("commitments")
    assert amina.option_ids == ["1", "back"]
    pending = said(LIFE_LABELS[CommitmentLife.PENDING], language)
    assert pending in amina.options[0][1], "its status beside it"
    await amina.tap("1")
    assert said(_("Made by {maker}.", maker="Conseil communal"), language) in amina.text
    assert amina.option_ids == ["follow", "back"]
    await amina.tap("follow")
    followed = _("You follow this commitment: you will be told of each change.")
    assert amina.texts[0] == said(followed, language)
    assert amina.option_ids == ["unfollow", "back"]
    await khadija.say("menu")
    await khadija.tap("meetings")
    await khadija.tap("organize")
    await khadija.tap("commitments")
    await khadija.tap("change")
    await khadija.say("42")
    unknown = _("There is no commitment {number} in your communes.", number="42")
    assert khadija.texts[0] == said(unknown, language)
    await khadija.say("1")
    await khadija.tap("in_progress")
    await khadija.say(NOTE)
    assert said(LIFE_LABELS[CommitmentLife.IN_PROGRESS], language) in khadija.text
    await expand_due(sqlite_db, clock())
    await expand_due(sqlite_db, clock())
    (told,) = await notices(sqlite_db)
    text = rendered(told[1], language)
    assert NOTE in text and said(LIFE_LABELS[CommitmentLife.IN_PROGRESS], language) in text
    await amina.say("menu")
    await amina.tap("commitments")
    await amina.tap("1")
    assert NOTE in amina.text, "its history"


async def test_bad_input_is_answered(
    sqlite_db: Database, gazetteer: Gazetteer, clock: Clock
) -> None:
    khadija = FakeResident(build_engine(sqlite_db, gazetteer, VAULT, clock), "khadija")
    await at_tools(khadija, sqlite_db, clock, "en")
    await khadija.tap("add")
    await khadija.say("x" * 501)
    assert "at most 500 characters" in khadija.texts[0]
    await khadija.say("Open the youth centre")
    await khadija.say("Président de la commune")
    await khadija.say("next spring")
    assert khadija.texts[0] == "I could not read this date. Please type it as DD/MM/YYYY."
    await khadija.say("31/02/2027")
    assert khadija.texts[0] == "I could not read this date. Please type it as DD/MM/YYYY."
    await khadija.say("30/06/2027")
    await khadija.say("menu")
    await khadija.tap("meetings")
    await khadija.tap("organize")
    await khadija.tap("commitments")
    await khadija.tap("change")
    await khadija.say("1")
    await khadija.say("finished")
    assert khadija.texts[0].startswith("Sorry, I did not understand."), "an unknown status"
    await khadija.tap("pending")
    assert khadija.texts[0] == "Commitment 1 already has this status."
    await khadija.tap("cancel")
    assert khadija.texts[0] == "Cancelled. Nothing was saved."


async def test_a_resident_may_not_open_the_tools(
    sqlite_db: Database, gazetteer: Gazetteer, clock: Clock
) -> None:
    amina = FakeResident(build_engine(sqlite_db, gazetteer, VAULT, clock), "amina")
    await onboard(amina, "en")
    await amina.say("menu")
    await amina.tap("commitments")
    assert amina.texts[0] == "No commitment of your commune is recorded yet."


@pytest.mark.parametrize(("language", "how"), [("ar", "arabic"), ("fr", "number")])
async def test_by_numbered_menus_on_whatsapp(
    chat: WhatsApp, db: Database, clock: Clock, language: str, how: str
) -> None:
    from conversations.commitment import CommitmentDraft
    from storage import commitments

    phone = chat.phone("+212600000051")
    await settled(phone, language, how, PIN)
    async with db.transaction() as tx:
        commune = await tx.run(
            lambda c: c.exec_driver_sql("SELECT commune_code FROM resident").scalar_one()
        )
        draft = CommitmentDraft(commune, "Goudronner la piste", "Conseil communal", clock().date())
        made = await tx.run(commitments.create, draft, "admin", clock())
    await phone.choose(menu.COMMITMENTS, how)
    digit = {"arabic": "١", "number": "1"}[how]
    await phone.say(digit)  # the only commitment
    await phone.say(digit)  # Follow
    async with db.transaction() as tx:
        found = await tx.run(commitments.read, made, None)
    assert found is not None and found.followers == 1


@pytest.mark.parametrize("typed", ["التزامات الجماعة", "fin les engagements", "li tgal yddar"])
async def test_asked_for_in_ones_own_words(
    sqlite_db: Database, gazetteer: Gazetteer, clock: Clock, typed: str
) -> None:
    amina = FakeResident(build_engine(sqlite_db, gazetteer, VAULT, clock), "amina")
    await onboard(amina, "en")
    await amina.say(typed)
    assert amina.texts[0] == "No commitment of your commune is recorded yet."
