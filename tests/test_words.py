"""No work is lost by a word: "back" is one step back, an answer wins over a global word spelt
the same, a global word keeps what it leaves, a pause or a restart reminds before anything is
taken as an answer, a photo or a pin at the menu starts a report, and an unclear answer gets a
one-line hint rather than the whole question again."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from sqlalchemy import select

from bot.app import build_engine
from bot.i18n import translator
from conversations.engine import Engine
from conversations.menu import HOME, ITEMS
from conversations.onboarding import PRIVACY
from conversations.phrases import NOT_AN_OPTION, STOPPED
from conversations.report_need import ASK_CATEGORY, ASK_DESCRIPTION, ASK_PLACE
from conversations.returning import ASK_STOP, STILL_ON
from conversations.text import Renderable
from storage.database import Database
from storage.models import REPORT, REPORT_MEDIA, RESIDENT, SIGNATURE
from storage.retention import KEEP, forget_abandoned_answers
from tests.resident import FakeResident
from tests.support.clock import Clock
from tests.support.organizers import invite
from tests.support.petitions import onboard, open_petition
from tests.support.reports import PIN
from tests.support.tables import rows
from tests.support.vault import VAULT

MENU_IDS = [item.id for item in ITEMS]
PAUSED = ["hayna.continue", "hayna.restart"]


def render(text: Renderable, locale: str) -> str:
    return text.render(translator(locale))


async def pushes_on(db: Database) -> bool:
    async with db.transaction() as tx:
        return bool(
            await tx.run(lambda c: c.execute(select(RESIDENT.c.pushes_enabled)).scalar_one())
        )


@pytest.fixture
def engine_on_both(db: Database, gazetteer, clock: Clock) -> Engine:
    return build_engine(db, gazetteer, VAULT, clock)


Act = Callable[[], Awaitable[object]]


async def walk_back(resident: FakeResident, actions: list[Act], word: str = "back") -> list[str]:
    """Answer each question; after each answer say ``word``, check that the question before
    is asked again, and answer it again. Returns the questions met, in order."""
    asked = [resident.last[-1].text]
    for act in actions:
        await act()
        asked.append(resident.last[-1].text)
        await resident.say(word)
        assert resident.last[-1].text == asked[-2], f"back from {asked[-1]!r}"
        await act()
        assert resident.last[-1].text == asked[-1], "the same question once answered again"
    return asked


# 1. Back.


async def test_back_at_every_step_of_a_report_asks_the_previous_question(
    resident: FakeResident, sqlite_db: Database
) -> None:
    await onboard(resident, "en")
    await resident.tap("report")
    actions: list[Act] = [
        lambda: resident.tap("lighting"),
        lambda: resident.share_location(*PIN),
        lambda: resident.say("The lamp post is off"),
        lambda: resident.tap("skip"),
        lambda: resident.tap("change"),  # "what do you want to change?"
    ]
    asked = await walk_back(resident, actions)
    assert asked[:3] == [render(q.text, "en") for q in (ASK_CATEGORY, ASK_PLACE, ASK_DESCRIPTION)]
    # Back from "what to change?" is the summary, the report whole: it can be filed as it was.
    await resident.say("back")
    assert "The lamp post is off" in resident.text
    await resident.tap("confirm")
    (filed,) = await rows(sqlite_db, REPORT)
    assert (filed["category"], filed["description"]) == ("lighting", "The lamp post is off")
    assert filed["lat"] == PIN[0], "the answers before the step gone back to are kept"


@pytest.mark.parametrize("word", ["رجوع", "retour", "back", "ⴰⵖⵓⵍ", "rjo3"])
async def test_back_in_every_language_and_at_a_first_step_returns_to_the_menu(
    resident: FakeResident, word: str
) -> None:
    await onboard(resident, "fr")
    await resident.tap("report")
    await resident.tap("roads")
    await resident.say(word)
    assert resident.last[-1].text == render(ASK_CATEGORY.text, "fr")
    await resident.say(word)
    assert resident.last[-1].text == render(HOME.text, "fr") and resident.option_ids == MENU_IDS


async def test_back_while_signing_keeps_the_name_and_never_undoes_a_signature(
    engine: Engine, sqlite_db: Database, clock: Clock
) -> None:
    amina = FakeResident(engine, "amina")
    code = await open_petition(sqlite_db, clock, await onboard(amina, "fr"))
    await amina.tap("petitions")
    await amina.tap(code)
    actions: list[Act] = [
        lambda: amina.tap("sign"),
        lambda: amina.tap("agree"),
        lambda: amina.say("Amina Alaoui"),
        lambda: amina.say("AB123456"),
        lambda: amina.tap("yes"),
    ]
    await walk_back(amina, actions, "رجوع")
    assert "Amina Alaoui" in amina.text and "AB••••56" in amina.text
    await amina.tap("confirm")
    assert len(await rows(sqlite_db, SIGNATURE)) == 1
    # Signed: back is the list of petitions, not the signing questions (nor the CIN again).
    await amina.say("back")
    assert code in amina.option_ids and "confirm" not in amina.option_ids


async def test_back_at_the_schedule_step_keeps_the_update_and_flows_return_to_their_opener(
    engine_on_both: Engine, db: Database, clock: Clock
) -> None:
    organizer = FakeResident(engine_on_both, "khadija")
    commune = await onboard(organizer, "en")
    await organizer.say(f"ORG {await invite(db, clock, commune)}")
    await organizer.tap("broadcast")
    await organizer.say("Clean-up day on Sunday.")
    await organizer.tap("continue")
    await organizer.tap(f"c:{commune}")
    await organizer.tap("later")
    assert "When?" in organizer.text
    await organizer.say("retour")  # the schedule step: the update is not thrown away
    assert "Clean-up day on Sunday." in organizer.text
    assert organizer.option_ids == ["now", "later", "cancel"]
    await organizer.tap("now")
    assert "Update #1 is on its way now" in organizer.text
    await organizer.say("back")  # planned: back cannot lead to sending it twice
    assert "now" not in organizer.option_ids

    # Organizer tools opened from Meetings & groups go back there; a meeting's first question
    # goes back to the tools; a new petition's first question to the list of petitions.
    await organizer.say("menu")
    await organizer.tap("meetings")
    meetings_home = organizer.last[-1].text
    await organizer.tap("organize")
    tools = organizer.last[-1].text
    await organizer.tap("new_meeting")
    await organizer.say("back")
    assert organizer.last[-1].text == tools
    await organizer.say("back")
    assert organizer.last[-1].text == meetings_home


async def test_back_from_a_new_petition_returns_to_the_list(
    gazetteer, sqlite_db: Database, clock: Clock
) -> None:
    from tests.support.organizers import ORGANIZER

    engine = build_engine(sqlite_db, gazetteer, VAULT, clock, frozenset({ORGANIZER}))
    org = FakeResident(engine, ORGANIZER.user)
    await onboard(org, "en")
    await org.tap("petitions")
    petitions = org.last[-1].text
    await org.tap("new_petition")
    await org.tap("here")
    await org.tap("residents")
    await org.say("Lights on the boulevard")
    await org.say("back")
    assert "title of the petition" in org.text
    await org.say("back")
    assert "Who files this petition" in org.text
    await org.say("back")
    assert "Which commune" in org.text
    await org.say("back")
    assert org.last[-1].text == petitions and "new_petition" in org.option_ids


# 2. Answers first.


@pytest.mark.parametrize("word", ["خلاص", "safi", "bla", "بلا", "بركة", "baraka"])
async def test_words_that_answer_the_photo_question_are_answers(
    resident: FakeResident, sqlite_db: Database, word: str
) -> None:
    await onboard(resident, "ar")
    await resident.tap("report")
    await resident.tap("lighting")
    await resident.share_location(*PIN)
    await resident.say("الضوء مطفأ")
    await resident.say(word)  # no photo
    assert resident.option_ids == ["confirm", "change", "cancel"], "on to the summary"
    await resident.send_photo()  # not an answer to the summary: the report is still there
    await resident.tap("change")
    await resident.tap("photos")
    await resident.send_photo()
    await resident.say(word)  # no more photos
    assert resident.option_ids == ["confirm", "change", "cancel"]
    assert await pushes_on(sqlite_db), "no notification was switched off"


async def test_a_stop_word_asks_first_and_the_platform_keywords_do_not(
    resident: FakeResident, sqlite_db: Database
) -> None:
    await onboard(resident, "ar")
    await resident.tap("report")
    await resident.say("حبس")
    assert resident.texts == [render(ASK_STOP.text, "ar")]
    assert resident.option_ids == ["hayna.stop", "hayna.keep"]
    await resident.say("2")  # no
    assert resident.texts[0] == render(STILL_ON, "ar") and await pushes_on(sqlite_db)
    assert resident.last[-1].text == render(ASK_CATEGORY.text, "ar"), "the report goes on"
    await resident.say("بركة")
    await resident.tap("hayna.stop")
    assert resident.texts[0] == render(STOPPED, "ar") and not await pushes_on(sqlite_db)
    await resident.say("ابدأ")
    assert await pushes_on(sqlite_db)
    await resident.tap("report")
    await resident.say("STOP")  # Twilio's own keyword: at once, and the question stays
    assert resident.texts[0] == render(STOPPED, "ar") and not await pushes_on(sqlite_db)
    assert resident.last[-1].text == render(ASK_CATEGORY.text, "ar")


# 3. A global word keeps what it leaves.


async def test_menu_keeps_the_report_and_offers_to_continue_it(
    engine_on_both: Engine, db: Database
) -> None:
    amina = FakeResident(engine_on_both, "amina")
    await onboard(amina, "en")
    await amina.tap("report")
    await amina.tap("water")
    await amina.share_location(*PIN)
    await amina.say("menu")
    assert "You were writing a report." in amina.text
    assert amina.option_ids == MENU_IDS + PAUSED
    await amina.tap("petitions")  # something else meanwhile: still kept
    await amina.say("ابدأ")
    assert amina.option_ids == MENU_IDS + PAUSED
    await amina.tap("hayna.continue")
    assert amina.last[-1].text == render(ASK_DESCRIPTION.text, "en"), "where it was"
    await amina.say("No water since Monday")
    await amina.tap("skip")
    assert "Water" in amina.text or "water" in amina.text.lower()
    await amina.tap("confirm")
    (filed,) = await rows(db, REPORT)
    assert (filed["category"], filed["lat"]) == ("water", PIN[0])
    await amina.say("menu")
    assert amina.option_ids == MENU_IDS, "nothing left to continue"


@pytest.mark.parametrize("word", ["cancel", "langue", "إلغاء"])
async def test_leaving_words_say_what_is_kept_and_start_over_starts_afresh(
    resident: FakeResident, word: str
) -> None:
    await onboard(resident, "fr")
    await resident.tap("report")
    await resident.tap("water")
    await resident.say(word)
    note = resident.text
    if word == "langue":
        assert "kept" in note or "conserv" in note or "حفظ" in note
        await resident.tap("en")  # then the menu, in English, with the report offered
    assert resident.option_ids == MENU_IDS + PAUSED
    await resident.tap("hayna.restart")
    locale = "en" if word == "langue" else "fr"
    assert resident.last[-1].text == render(ASK_CATEGORY.text, locale)
    await resident.say("menu")
    assert resident.option_ids == MENU_IDS, "nothing answered yet in the new one: nothing kept"


async def test_continue_after_a_language_change_asks_in_the_new_language(
    resident: FakeResident,
) -> None:
    await onboard(resident, "fr")
    await resident.tap("report")
    await resident.tap("water")
    await resident.say("language")
    await resident.tap("ar")
    await resident.tap("hayna.continue")
    assert resident.last[-1].text == render(ASK_PLACE.text, "ar")


async def test_what_is_kept_survives_a_restart_until_the_weekly_housekeeping(
    db: Database, gazetteer, clock: Clock
) -> None:
    amina = FakeResident(build_engine(db, gazetteer, VAULT, clock), "amina")
    await onboard(amina, "en")
    await amina.tap("report")
    await amina.tap("water")
    await amina.say("menu")
    clock.advance(days=2)
    again = FakeResident(build_engine(db, gazetteer, VAULT, clock), "amina")
    await again.say("menu")
    assert again.option_ids == MENU_IDS + PAUSED
    clock.advance(seconds=KEEP.total_seconds() + 60)
    assert await forget_abandoned_answers(db, clock()) == 1
    await again.say("menu")
    assert again.option_ids == MENU_IDS


# 4. After a pause or a restart.


async def test_after_half_an_hour_the_resident_is_reminded_before_answering(
    resident: FakeResident, sqlite_db: Database, clock: Clock
) -> None:
    await onboard(resident, "en")
    await resident.tap("report")
    await resident.tap("roads")
    await resident.share_location(*PIN)
    clock.advance(minutes=20)
    await resident.say("A deep hole")  # within half an hour: the answer
    assert "photos" in resident.text
    clock.advance(minutes=31)
    await resident.say("hello")
    assert "Welcome back!" in resident.text and "You were writing a report." in resident.text
    assert "You can add up to 3 photos" in resident.text, "the question, in short"
    assert resident.option_ids == PAUSED
    await resident.say("1")
    assert resident.option_ids == ["skip"]
    await resident.tap("skip")
    assert "“A deep hole”" in resident.text, "hello was not taken as anything"
    clock.advance(hours=3)
    await resident.say("ok")
    await resident.tap("hayna.restart")
    assert resident.last[-1].text == render(ASK_CATEGORY.text, "en")
    assert await rows(sqlite_db, REPORT) == []


async def test_after_a_restart_the_resident_is_reminded_where_they_were(
    db: Database, gazetteer, clock: Clock
) -> None:
    amina = FakeResident(build_engine(db, gazetteer, VAULT, clock), "amina")
    await onboard(amina, "fr")
    await amina.tap("report")
    await amina.tap("roads")
    clock.advance(minutes=1)
    restarted = FakeResident(build_engine(db, gazetteer, VAULT, clock), "amina")
    await restarted.say("Derb Omar")
    assert restarted.option_ids == PAUSED
    await restarted.tap("hayna.continue")
    assert restarted.last[-1].text == render(ASK_PLACE.text, "fr")
    await restarted.say("Derb Omar")
    assert restarted.last[-1].text == render(ASK_DESCRIPTION.text, "fr")


# 5. A photo, a voice note or a pin at the menu.


async def test_a_photo_at_the_menu_starts_a_report_with_it(
    resident: FakeResident, sqlite_db: Database
) -> None:
    await onboard(resident, "en")  # the photo is the first thing after setting up
    await resident.send_photo("pothole.jpg")
    assert resident.last[-1].text == render(ASK_CATEGORY.text, "en")
    await resident.tap("roads")
    await resident.share_location(*PIN)
    await resident.say("A pothole in front of the school")
    assert "1 photo received" in resident.text
    await resident.tap("done")
    await resident.tap("confirm")
    (photo,) = await rows(sqlite_db, REPORT_MEDIA)
    assert photo["ref"] == "pothole.jpg"


async def test_a_pin_or_a_voice_note_at_the_menu_starts_a_report_with_it(
    resident: FakeResident, sqlite_db: Database
) -> None:
    await onboard(resident, "en")
    await resident.share_location(*PIN)
    await resident.tap("waste")
    assert "Describe the need" in resident.text, "the place is known: not asked"
    await resident.say("menu")
    await resident.send_voice("note-1")
    await resident.tap("waste")
    await resident.say("Derb Sultan")
    assert resident.option_ids == ["skip"], "the voice note describes it: on to the photos"
    await resident.tap("skip")
    assert "a voice note" in resident.text
    await resident.tap("confirm")
    (report,) = await rows(sqlite_db, REPORT)
    (voice,) = await rows(sqlite_db, REPORT_MEDIA)
    assert (report["place"], voice["kind"]) == ("Derb Sultan", "voice")


# 6. A short hint after an unclear answer.


async def test_an_unclear_answer_gets_one_line_and_help_the_whole_question(
    resident: FakeResident,
) -> None:
    await resident.say("salam")
    await resident.tap("fr")
    notice = render(PRIVACY.text, "fr")
    assert len(notice) > 500
    for unclear in ("peut-être", "bof", "je sais pas", "hein"):
        await resident.say(unclear)
        (answer,) = resident.last
        assert answer.text == render(NOT_AN_OPTION, "fr")
        assert [c.id for c in answer.options] == ["agree", "decline"]
    await resident.say("?")
    assert resident.last[-1].text == notice
    await resident.say("1")
    assert resident.last[-1].ask_location, "the numbers still pick the notice's options"


async def test_a_signature_left_halfway_is_in_my_data_with_its_cin_encrypted(
    engine: Engine, sqlite_db: Database, clock: Clock
) -> None:
    import json

    amina = FakeResident(engine, "amina")
    code = await open_petition(sqlite_db, clock, await onboard(amina, "en"))
    await amina.tap("petitions")
    await amina.tap(code)
    await amina.tap("sign")
    await amina.tap("agree")
    await amina.say("Amina Alaoui")
    await amina.say("AB123456")
    await amina.say("menu")
    assert "You were signing a petition." in amina.text
    await amina.say("my data")
    (attachment,) = [out.attachment for out in amina.last if out.attachment]
    (conversation,) = json.loads(attachment.data)["conversation"]
    paused = [kept for kept in conversation["kept"] if kept["kept_as"] == "paused"]
    assert [kept["answers"]["name"] for kept in paused] == ["Amina Alaoui"]
    assert paused[0]["answers"]["sealed_cin"] == "(encrypted)"
    assert "AB123456" not in attachment.data.decode()


async def test_back_in_onboarding_and_in_lists_is_one_step_too(resident: FakeResident) -> None:
    await resident.say("salam")
    await resident.tap("fr")
    await resident.say("rjo3")  # the language question again, now in the language chosen
    assert (
        set(resident.option_ids) == {"ar", "fr", "zgh", "zgh_Latn", "en"}
        and "langue" in resident.text
    )
    await resident.tap("fr")
    actions: list[Act] = [lambda: resident.tap("agree"), lambda: resident.say("Agadir")]
    await walk_back(resident, actions, "rjo3")
    await resident.say("1")
    assert resident.option_ids == MENU_IDS
    await resident.tap("meetings")
    home = resident.last[-1].text
    await resident.tap("groups")
    await resident.say("ⴰⵖⵓⵍ")
    assert resident.last[-1].text == home
    await resident.say("ⴰⵖⵓⵍ")
    assert resident.option_ids == MENU_IDS
