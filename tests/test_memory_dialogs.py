"""Dialogs through the real engine and flows on the in-memory services: no database, so they
run in milliseconds; the contract tests hold memory to what SQLite and PostgreSQL do."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.app import every_flow
from bot.channels import CHANNELS
from bot.i18n import translator
from conversations.engine import Engine
from conversations.menu import HOME
from conversations.onboarding import ASK_COMMUNE, PRIVACY, WELCOME
from conversations.petition import PetitionDraft, PetitionLife
from conversations.report import Category, ReportStatus
from conversations.text import Renderable
from tests.memory.store import MemoryStore
from tests.resident import FakeResident
from tests.support.clock import Clock
from tests.support.petitions import sign_by_chat
from tests.support.residents import ADMIN, PIN, onboard

BEN_MSICK = "141.01.61"


def render(text: Renderable, locale: str) -> str:
    return text.render(translator(locale))


@pytest.fixture
def store(clock: Clock) -> MemoryStore:
    return MemoryStore(clock, organizers=frozenset({ADMIN}))


@pytest.fixture
def engine(store: MemoryStore, clock: Clock) -> Engine:
    return Engine(store, every_flow(), translator, clock, channels=CHANNELS)


async def test_arabic_onboarding_by_typed_name(engine: Engine, store: MemoryStore) -> None:
    amina = FakeResident(engine)
    await amina.say("السلام عليكم")
    assert amina.option_ids == ["ar", "fr", "zgh", "zgh_Latn", "en"]
    assert render(WELCOME, "ar") in amina.text
    await amina.say("1")
    assert amina.text == render(PRIVACY.text, "ar")
    await amina.say("١")  # Arabic-Indic digit one: "I agree"
    assert amina.last[-1].text == render(ASK_COMMUNE.text, "ar")
    await amina.say("اكادير")
    assert amina.option_ids[0] == "001.01.01" and amina.option_ids[-1] == "other"
    await amina.say("1")

    assert amina.last[-1].text == render(HOME.text, "ar")
    (resident,) = store.world.residents.values()
    assert (resident.language, resident.commune_code) == ("ar", "001.01.01")
    assert [c[1] for c in store.world.consents] == ["privacy"]


async def test_a_report_by_pin_ends_with_a_reference(engine: Engine, store: MemoryStore) -> None:
    amina = FakeResident(engine)
    await onboard(amina, "fr")
    await amina.tap("report")
    await amina.tap("lighting")
    await amina.share_location(*PIN)
    await amina.say("Lampadaire éteint depuis deux semaines")
    await amina.send_photo("file-1")
    await amina.tap("done")
    assert amina.option_ids == ["confirm", "change", "cancel"]
    await amina.tap("confirm")

    (report,) = store.world.reports
    assert report.ref == "R-2026-000001" and report.ref in amina.texts[0]
    assert (report.draft.category, report.status) == (Category.LIGHTING, ReportStatus.RECEIVED)
    assert report.draft.commune_code == BEN_MSICK and report.draft.lat == PIN[0]
    assert [m.ref for m in report.draft.media] == ["file-1"]

    # A neighbour is offered it instead of a second report, and counted once.
    karim = FakeResident(engine, user="karim")
    await onboard(karim, "fr")
    await karim.tap("report")
    await karim.tap("lighting")
    await karim.share_location(*PIN)
    assert karim.option_ids == [f"support:{report.ref}", "different"]
    await karim.tap(f"support:{report.ref}")
    assert len(store.world.reports) == 1 and len(report.supporters) == 1


async def open_petition(store: MemoryStore, clock: Clock, threshold: int) -> str:
    draft = PetitionDraft(
        commune_code=BEN_MSICK,
        title="Éclairage du boulevard",
        summary="Des lampadaires pour le boulevard principal",
        body="Nous, habitants, demandons l'éclairage du boulevard.",
        requests="Installer 20 lampadaires.",
        representative="Fatima Zahra",
        threshold=threshold,
        deadline=(clock() + timedelta(days=30)).date(),
    )
    async with store.unit(ADMIN) as unit:
        await unit.open("draft")
        code = await unit.services.petitions.draft_petition(draft)
        await unit.services.petitions.publish_petition(code)
    return code


async def test_residents_sign_once_per_cin_until_the_threshold(
    engine: Engine, store: MemoryStore, clock: Clock
) -> None:
    amina, hugo, karim = (FakeResident(engine, user) for user in ("amina", "hugo", "karim"))
    for resident, language in ((amina, "ar"), (hugo, "fr"), (karim, "fr")):
        await onboard(resident, language)
    code = await open_petition(store, clock, threshold=2)

    await amina.tap("petitions")
    await amina.tap(code)
    assert "▱▱▱▱▱ 0/2" in amina.texts[0]
    await sign_by_chat(amina, code, "أمينة العلوي", "ab 123456")
    # Another account with the same card, however spelt, does not count.
    await sign_by_chat(karim, code, "Karim Alaoui", "AB١٢٣٤٥٦")
    (petition,) = store.world.petitions
    assert [s.full_name for s in petition.signatures] == ["أمينة العلوي"]

    await sign_by_chat(hugo, code, "Hugo Benali", "BK-654321")
    assert "▰▰▰▰▰ 2/2" in hugo.text
    assert petition.life is PetitionLife.THRESHOLD_REACHED
    assert [c[1] for c in store.world.consents].count("petition_signing") == 3


async def test_a_commitment_recorded_followed_and_changed_in_memory(
    engine: Engine, store: MemoryStore
) -> None:
    admin, amina = FakeResident(engine, "admin"), FakeResident(engine, "amina")
    await onboard(admin, "fr")
    await admin.tap("meetings")
    await admin.tap("organize")
    await admin.tap("commitments")
    await admin.tap("add")
    await admin.say("Goudronner la piste du douar")
    await admin.say("Président de la commune")
    await admin.say("30/06/2027")
    (made,) = store.world.commitments
    await onboard(amina, "fr")
    await amina.tap("commitments")
    await amina.tap(str(made.id))
    await amina.tap("follow")
    await admin.say("menu")
    await admin.tap("meetings")
    await admin.tap("organize")
    await admin.tap("commitments")
    await admin.tap("change")
    await admin.say(str(made.id))
    await admin.tap("done")
    await admin.tap("skip")
    (resident_id,) = made.followers
    assert store.world.told == [(made.id, (resident_id,))]
    assert [change.life for change in made.history][-1] == "done"
