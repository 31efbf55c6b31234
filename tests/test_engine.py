"""The engine's promises: global words everywhere, no dead ends, retries dropped, state resumed."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from bot.app import build_engine
from bot.i18n import translator
from conversations.menu import HOME, ITEMS
from conversations.onboarding import DECLINED, WELCOME
from conversations.phrases import EMPTY, HELP, NOT_AN_OPTION, SOMETHING_WRONG, STOPPED
from conversations.text import Renderable
from storage.database import Database
from storage.models import CONVERSATION, RESIDENT
from storage.services.places import SqlPlaces
from tests.resident import FakeResident
from tests.support.clock import Clock
from tests.support.vault import VAULT

MENU_IDS = [item.id for item in ITEMS]


def render(text: Renderable, locale: str) -> str:
    return text.render(translator(locale))


async def onboard(resident: FakeResident, language: str = "ar", commune: str = "Agadir") -> None:
    await resident.say("salam")
    await resident.tap(language)
    await resident.tap("agree")
    await resident.say(commune)
    await resident.say("1")
    assert resident.option_ids == MENU_IDS, resident.text


async def version_of(db: Database, user: str) -> int:
    async with db.transaction() as tx:
        return await tx.run(
            lambda conn: conn.execute(
                select(CONVERSATION.c.version)
                .join(RESIDENT, RESIDENT.c.id == CONVERSATION.c.resident_id)
                .where(RESIDENT.c.user_id == user)
            ).scalar_one()
        )


@pytest.mark.parametrize(
    ("language", "word"),
    [("ar", "القائمة"), ("ar", "lmenu"), ("fr", "Menu"), ("zgh", "ⵜⴰⵍⴳⴰⵎⵜ"), ("en", "home")],
)
async def test_menu_word_in_every_language(
    resident: FakeResident, language: str, word: str
) -> None:
    await onboard(resident, language)
    await resident.tap("language")
    await resident.say(word)
    assert resident.last[-1].text == render(HOME.text, language)


@pytest.mark.parametrize(
    ("language", "word"),
    [("ar", "مساعدة"), ("ar", "3awni"), ("fr", "aide"), ("zgh", "ⵜⴰⵡⵉⵙⵉ"), ("en", "HELP")],
)
async def test_help_word_answers_and_asks_again(
    resident: FakeResident, language: str, word: str
) -> None:
    await onboard(resident, language)
    await resident.say(word)
    assert resident.texts[0] == render(HELP, language)
    assert resident.last[-1].text == render(HOME.text, language)


@pytest.mark.parametrize("word", ["إلغاء", "annuler", "retour", "rje3", "ⵓⵖⵓⵍ", "cancel"])
async def test_cancel_word_leaves_the_current_flow(resident: FakeResident, word: str) -> None:
    await onboard(resident, "fr")
    await resident.tap("language")
    await resident.say(word)
    assert resident.option_ids == MENU_IDS


@pytest.mark.parametrize("word", ["اللغة", "langue", "ⵜⵓⵜⵍⴰⵢⵜ", "lugha", "language"])
async def test_language_word_opens_the_language_menu(resident: FakeResident, word: str) -> None:
    await onboard(resident, "fr")
    await resident.say(word)
    assert set(resident.option_ids) == {"ar", "fr", "zgh", "zgh_Latn", "en", "voice"}
    await resident.tap("en")
    assert resident.texts[0] == "Done: I will write to you in English from now on."
    assert resident.last[-1].text == render(HOME.text, "en")


@pytest.mark.parametrize(
    ("stop", "start"), [("STOPALL", "ابدأ"), ("STOP", "start"), ("arrêt", "Start")]
)
async def test_stop_and_start_switch_notifications(
    resident: FakeResident, sqlite_db: Database, stop: str, start: str
) -> None:
    await onboard(resident, "ar")

    async def pushes() -> bool:
        async with sqlite_db.transaction() as tx:
            return await tx.run(
                lambda conn: conn.execute(select(RESIDENT.c.pushes_enabled)).scalar_one()
            )

    await resident.say(stop)
    assert resident.texts[0] == render(STOPPED, "ar")
    assert not await pushes()
    await resident.say(start)
    assert await pushes()
    assert resident.option_ids == MENU_IDS


async def test_global_words_during_onboarding_do_not_skip_it(resident: FakeResident) -> None:
    await resident.say("salam")
    await resident.tap("fr")
    await resident.say("menu")
    # Consent cannot be skipped: the privacy question is asked again.
    assert resident.option_ids == ["agree", "decline"]
    await resident.say("aide")
    assert resident.texts[0] == render(HELP, "fr")
    assert resident.option_ids == ["agree", "decline"]


BAD_INPUTS = {
    "nonsense": "qsdkjh qsdlkj",
    "empty": "",
    "huge": "ا" * 10_000,
    "emoji": "😀🎉🔥",
    "rtl override": "\u202eunem\u202c",
    "only invisible": "\u200b\u200f\u2066",
}


@pytest.mark.parametrize("text", BAD_INPUTS.values(), ids=BAD_INPUTS.keys())
@pytest.mark.parametrize("where", ["language", "consent", "commune", "menu"])
async def test_bad_input_gets_a_clear_answer(resident: FakeResident, text: str, where: str) -> None:
    await resident.say("salam")
    if where != "language":
        await resident.tap("fr")
    if where in ("commune", "menu"):
        await resident.tap("agree")
    if where == "menu":
        await resident.say("Agadir")
        await resident.say("1")
    asked = resident.last[-1]

    replies = await resident.say(text)

    locale = "ar" if where == "language" else "fr"
    assert replies, "never silent"
    assert render(SOMETHING_WRONG, locale) not in resident.text
    again = replies[-1]
    assert (again.options, again.ask_location) == (asked.options, asked.ask_location), "asked again"
    hints = {render(NOT_AN_OPTION, locale), render(EMPTY, locale)}
    assert any(hint in resident.text for hint in hints) or where == "commune"
    assert all(len(out.text) < 1_000 for out in replies), "a huge input is not echoed back"


async def test_stale_button_is_not_taken_for_an_answer(resident: FakeResident) -> None:
    await onboard(resident, "fr")
    await resident.send(option="agree")  # a button of the consent question, long gone
    assert resident.texts[0] == render(NOT_AN_OPTION, "fr")
    assert resident.option_ids == MENU_IDS


async def test_same_message_id_twice_changes_state_once(
    db: Database, gazetteer, clock: Clock
) -> None:
    resident = FakeResident(build_engine(db, gazetteer, VAULT, clock))
    await resident.say("salam", message_id="wamid.1")
    before = await version_of(db, "amina")

    first = await resident.say("2", message_id="wamid.2")
    second = await resident.say("2", message_id="wamid.2")

    assert first and second == []
    assert await version_of(db, "amina") == before + 1
    await resident.say("2", message_id="wamid.3")  # now "2" answers the consent question
    assert resident.texts[0] == render(DECLINED, "fr")


async def test_concurrent_messages_of_one_resident_are_serialised(
    db: Database, gazetteer, clock: Clock
) -> None:
    engine = build_engine(db, gazetteer, VAULT, clock)
    resident = FakeResident(engine)
    await onboard(resident, "en")
    before = await version_of(db, "amina")
    replies = await asyncio.gather(*(resident.say("help") for _ in range(8)))
    assert all(replies)
    assert await version_of(db, "amina") == before + 8


async def test_a_restart_resumes_the_resident_at_the_same_step(
    db: Database, gazetteer, clock: Clock
) -> None:
    resident = FakeResident(build_engine(db, gazetteer, VAULT, clock))
    await resident.say("salam")
    await resident.tap("fr")
    assert resident.option_ids == ["agree", "decline"]

    # A new engine and store on the same database: what a restarted process has.
    again = Database(db.url)
    try:
        resumed = FakeResident(build_engine(again, gazetteer, VAULT, clock))
        await resumed.say("1")
        assert resumed.last[-1].ask_location, "consent given, the commune is asked next"
    finally:
        await again.close()


@pytest.mark.parametrize("typed", ["²", "①", "0", "-1", "99", "١٢"])
async def test_odd_numbers_are_not_options_and_do_not_crash(
    resident: FakeResident, typed: str
) -> None:
    await onboard(resident, "fr")
    await resident.say(typed)
    assert resident.texts[0] == render(NOT_AN_OPTION, "fr")
    assert resident.option_ids == MENU_IDS


async def test_an_apology_is_in_the_residents_language(
    resident: FakeResident, monkeypatch: pytest.MonkeyPatch
) -> None:
    await resident.say("salam")
    await resident.tap("fr")
    await resident.tap("agree")

    def broken(*_args: object) -> None:
        raise RuntimeError("the gazetteer fell over")

    monkeypatch.setattr(resident.engine.store.gazetteer, "search", broken)
    await resident.say("Agadir")
    assert resident.texts == [render(SOMETHING_WRONG, "fr")]
    monkeypatch.undo()
    await resident.say("Agadir")  # nothing was saved by the failed message: the step is the same
    assert any("Agadir" in label for _, label in resident.options)


async def test_a_photo_where_a_commune_is_asked_gets_told_what_is_needed(
    resident: FakeResident,
) -> None:
    await resident.say("salam")
    await resident.tap("en")
    await resident.tap("agree")
    await resident.send_photo()
    assert "name of your commune" in resident.texts[0]
    assert resident.last[-1].ask_location


async def test_quick_messages_during_onboarding_see_each_others_effects(
    db: Database, gazetteer, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    resident = FakeResident(build_engine(db, gazetteer, VAULT, clock))
    await resident.say("salam")
    await resident.tap("fr")
    await resident.tap("agree")
    await resident.say("Agadir")
    commune = SqlPlaces.commune

    async def slow_commune(self: SqlPlaces, code: str) -> object:
        await asyncio.sleep(0.3)  # the first message holds the resident's lock a while
        return await commune(self, code)

    monkeypatch.setattr(SqlPlaces, "commune", slow_commune)
    choose = asyncio.create_task(resident.say("1"))
    await asyncio.sleep(0.1)
    second = asyncio.create_task(resident.say("aide"))  # waits for the lock, then must see all
    first, second = await choose, await second
    # The second message sees the commune the first one chose, not a resident from before it.
    welcome = render(WELCOME, "fr")
    assert all(welcome not in out.text for out in [*first, *second])
