"""Organizers draft, preview and publish a petition in the chat; residents then find it."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from bot.app import build_engine
from conversations.context import Context
from conversations.engine import Engine
from conversations.kit import Address
from conversations.petition import PetitionDraft
from conversations.text import SourceTranslator
from storage.database import Database
from storage.gazetteer import Gazetteer
from storage.models import PETITION
from storage.store import SqlStore
from tests.resident import FakeResident
from tests.support.clock import Clock
from tests.support.organizers import ORGANIZER
from tests.support.petitions import PIN, onboard
from tests.support.vault import VAULT

BODY = "Le boulevard principal est sans éclairage depuis deux ans.\nLes habitants ont peur."


@pytest.fixture
def org_engine(sqlite_db: Database, gazetteer: Gazetteer, clock: Clock) -> Engine:
    return build_engine(sqlite_db, gazetteer, VAULT, clock, frozenset({ORGANIZER}))


async def to_deadline(org: FakeResident) -> None:
    """From the menu of an onboarded organizer to the deadline question."""
    await org.say("menu")
    await org.tap("petitions")
    await org.tap("new_petition")
    assert "Which commune" in org.text
    await org.tap("here")
    await org.tap("residents")
    await org.say("  Éclairage du boulevard  ")
    assert "theme" in org.text
    await org.tap("lighting")
    await org.say("Des lampadaires pour le boulevard")
    await org.say(BODY)
    await org.say("- Installer 20 lampadaires.\n- Les entretenir.")
    await org.say("Fatima Zahra")
    assert "DD/MM/YYYY" in org.text


async def to_preview(org: FakeResident) -> None:
    await to_deadline(org)
    await org.say("٣١/١٢/٢٠٢٦")  # Arabic-Indic digits
    # Ben M'Sick is an arrondissement of Casablanca: 400 is suggested.
    assert "Keep 400" in [label for _, label in org.options]
    assert "400" in org.text and "35,000" in org.text, "the legal minimums are said"
    await org.say("1 50")
    assert "whole number" in org.texts[0]
    await org.say("١٥٠")
    assert org.option_ids == ["publish", "draft", "change", "cancel"]


async def stored(db: Database) -> list[tuple[str, str, str, str, int]]:
    async with db.transaction() as tx:
        rows = await tx.run(
            lambda c: c.execute(
                select(
                    PETITION.c.code,
                    PETITION.c.title,
                    PETITION.c.body,
                    PETITION.c.status,
                    PETITION.c.threshold,
                )
            ).all()
        )
    return [tuple(row) for row in rows]


async def test_an_organizer_publishes_and_a_resident_signs(
    org_engine: Engine, sqlite_db: Database
) -> None:
    org, amina = FakeResident(org_engine, "org"), FakeResident(org_engine, "amina")
    await onboard(org, "en")
    await onboard(amina, "en")
    await to_preview(org)
    preview = org.text
    assert "Éclairage du boulevard" in preview and "31 December 2026" in preview
    assert BODY in preview and "Installer 20 lampadaires" in preview
    assert "150 signatures needed" in preview
    await org.tap("publish")
    [(code, title, body, status, threshold)] = await stored(sqlite_db)
    assert (title, body, status, threshold) == ("Éclairage du boulevard", BODY, "open", 150)
    assert f"/start p_{code}" in org.text and f"P {code}" in org.text

    await amina.say("menu")
    await amina.tap("petitions")
    assert code in amina.option_ids
    assert "new_petition" not in amina.option_ids, "residents never see the organizers' option"
    await amina.tap(code)
    assert "0/150" in amina.text
    await amina.tap("read")
    assert "Les entretenir" in amina.text and "Fatima Zahra" in amina.text


async def test_a_resident_is_never_offered_a_new_petition(
    org_engine: Engine, sqlite_db: Database
) -> None:
    amina = FakeResident(org_engine, "amina")
    await onboard(amina, "en")
    await amina.tap("petitions")
    assert "no open petition" in amina.text
    assert "new_petition" not in amina.option_ids
    await amina.send(option="new_petition")  # forged: not an option it was offered
    assert "Which commune" not in amina.text
    assert await stored(sqlite_db) == []


async def test_another_commune_is_found_by_name(org_engine: Engine, sqlite_db: Database) -> None:
    org = FakeResident(org_engine, "org")
    await onboard(org, "en")
    await org.tap("petitions")
    await org.tap("new_petition")
    await org.tap("another")
    await org.say("Agadir")
    agadir = org.option_ids[0]
    await org.tap(agadir)
    await org.tap("residents")
    assert "title" in org.text
    await org.say("Titre")
    await org.tap("school_transport")
    for answer in ("Résumé", "Texte", "Demandes", "Représentant", "2027-01-31"):
        await org.say(answer)
    await org.tap("keep")
    assert "200 signatures needed" in org.text and "Agadir" in org.text
    assert "Theme: School transport" in org.text
    await org.tap("draft")
    [(code, *_, status, threshold)] = await stored(sqlite_db)
    assert (status, threshold) == ("draft", 200)
    async with sqlite_db.transaction() as tx:
        themes = await tx.run(lambda c: c.exec_driver_sql("SELECT category FROM petition").all())
    assert themes == [("school_transport",)], "the theme chosen is stored"
    assert org_engine.store.gazetteer.get(agadir) is not None  # type: ignore[attr-defined]
    assert code in org.text


@pytest.mark.parametrize(
    ("step", "typed", "hint"),
    [
        ("title", "x" * 121, "121 characters"),
        ("title", "=cmd", "cannot start with ="),
        ("title", "@admin", "cannot start with"),
        ("deadline", "21/11/2026", "after today"),
        ("deadline", "22/11/2026", "after today"),  # today in Morocco is not a deadline
        ("deadline", "31/02/2027", "could not read this date"),
        ("deadline", "demain", "could not read this date"),
        ("threshold", "beaucoup", "whole number"),
        ("threshold", "0", "whole number"),
        ("threshold", "1000000", "whole number"),
        ("threshold", "12.5", "whole number"),
    ],
)
async def test_bad_answers_get_a_clear_answer_and_the_question_on_help(
    org_engine: Engine, sqlite_db: Database, step: str, typed: str, hint: str
) -> None:
    org = FakeResident(org_engine, "org")
    await onboard(org, "en")
    if step == "title":
        await org.tap("petitions")
        await org.tap("new_petition")
        await org.tap("here")
        await org.tap("residents")
        question = "title of the petition"
    else:
        await to_deadline(org)
        question = "DD/MM/YYYY"
        if step == "threshold":
            await org.say("31/12/2026")
            question = "How many signatures"
    await org.say(typed)
    assert hint in org.texts[0]
    # One answer: the hint, or a hint naming the format ("DD/MM/YYYY") with the question after
    # it when the date could not be read at all; "?" asks the question in full.
    assert len(org.texts) == 1 or question in org.texts[-1]
    await org.say("?")
    assert question in org.texts[-1], "the same question is asked again"
    assert await stored(sqlite_db) == []


async def test_change_one_answer_from_the_preview(org_engine: Engine, sqlite_db: Database) -> None:
    org = FakeResident(org_engine, "org")
    await onboard(org, "en")
    await to_preview(org)
    await org.tap("change")
    await org.tap("title")
    await org.say("Lumière sur le boulevard")
    assert "Lumière sur le boulevard" in org.text and org.option_ids[0] == "publish"
    await org.tap("change")
    await org.tap("threshold")
    await org.tap("keep")  # keeps what was typed before, not the default
    assert "150 signatures needed" in org.text
    await org.tap("cancel")
    assert await stored(sqlite_db) == []


async def test_a_draft_only_stays_invisible_to_residents(
    org_engine: Engine, sqlite_db: Database
) -> None:
    org, amina = FakeResident(org_engine, "org"), FakeResident(org_engine, "amina")
    await onboard(org, "en")
    await onboard(amina, "en")
    await to_preview(org)
    await org.tap("draft")
    [(code, *_, status, _threshold)] = await stored(sqlite_db)
    assert status == "draft" and "hayna" not in org.text and "dashboard" in org.text
    await amina.say("menu")
    await amina.tap("petitions")
    assert code not in amina.option_ids and "no open petition" in amina.text
    await amina.say(f"P {code}")
    assert "Éclairage" not in amina.text


async def test_the_store_refuses_a_petition_from_a_resident(
    sqlite_db: Database, gazetteer: Gazetteer, clock: Clock
) -> None:
    store = SqlStore(sqlite_db, gazetteer, VAULT, clock, frozenset({ORGANIZER}))
    draft = PetitionDraft(
        gazetteer.at(*PIN).code, "T", "S", "B", "R", "Rep", 100, date(2027, 1, 31)
    )
    with pytest.raises(PermissionError):
        async with store.unit(Address("console", "amina")) as unit:
            await unit.open("m-refused")
            await unit.services.petitions.draft_petition(draft)
    with pytest.raises(PermissionError):
        async with store.unit(Address("console", "amina")) as unit:
            await unit.open("m-refused-2")
            await unit.services.petitions.publish_petition("ABCDEF")
    assert await stored(sqlite_db) == []


async def test_a_resident_who_reaches_the_flow_is_turned_away(
    engine: Engine, sqlite_db: Database
) -> None:
    # The engine without organizers: even started directly, the flow stores nothing.
    amina = FakeResident(engine, "amina")
    await onboard(amina, "en")
    async with engine.store.unit(amina.address) as unit:  # type: ignore[attr-defined]
        await unit.open("m-direct")
        ctx = Context(unit.resident, unit.services, engine.clock(), "en")
        turn = await engine.flows["petition_drafting"].start(ctx)
    assert turn.step is None and "Only the organizers" in turn.replies[0].text.render(
        SourceTranslator()
    )
    assert await stored(sqlite_db) == []


async def test_a_last_day_passed_at_the_preview_is_asked_again(
    org_engine: Engine, sqlite_db: Database, clock: Clock
) -> None:
    org = FakeResident(org_engine, "org")
    await onboard(org, "en")
    await to_deadline(org)
    await org.say("23/11/2026")  # tomorrow, in Morocco
    await org.tap("keep")
    assert org.option_ids == ["publish", "draft", "change", "cancel"]
    # The organizer comes back to the preview the day after: the last day is today.
    clock.advance(hours=24)
    await org.say("1")
    if "hayna.continue" in org.option_ids:  # asked first whether to go on after the pause
        await org.tap("hayna.continue")
        await org.say("1")
    assert "The last day must be after today (" in org.texts[0]
    assert "DD/MM/YYYY" in org.text
    assert await stored(sqlite_db) == []
    await org.say("30/11/2026")
    assert org.option_ids == ["publish", "draft", "change", "cancel"], "back to the preview"
    await org.tap("publish")
    assert "Published: petition" in org.text
    assert [row[3] for row in await stored(sqlite_db)] == ["open"]
