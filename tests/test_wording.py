"""What the bot says reads right in every language: no language name stuck inside another
script, no raw code in "my data", and meeting times typed in words, or refused with a reason
and an example from today; a meeting's preview can be changed before it is published."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from bot.app import build_engine
from conversations.engine import Engine
from storage.database import Database
from storage.models import MEETING
from tests.resident import FakeResident
from tests.support.clock import Clock
from tests.support.meetings import join_youth
from tests.support.organizers import invite
from tests.support.petitions import PIN, onboard, open_petition, sign_by_chat
from tests.support.reports import report
from tests.support.vault import VAULT

ARABIC, LATIN, TIFINAGH = r"[\u0600-\u06ff]", r"[A-Za-zÀ-ÿ]", r"[\u2d30-\u2d7f]"
# The scripts a message in each language may not contain (JPEG, CIN and the like aside).
FOREIGN = {
    "ar": (LATIN, TIFINAGH),
    "fr": (ARABIC, TIFINAGH),
    "en": (ARABIC, TIFINAGH),
    "zgh": (ARABIC, LATIN),
    "zgh_Latn": (ARABIC, TIFINAGH),
}


def foreign(text: str, language: str) -> list[str]:
    words = re.findall(r"\w+", text)
    return [w for w in words if any(re.search(script, w) for script in FOREIGN[language])]


@pytest.fixture
def engine(sqlite_db: Database, gazetteer, clock: Clock) -> Engine:
    return build_engine(sqlite_db, gazetteer, VAULT, clock)


async def organizer_in(engine: Engine, db: Database, clock: Clock, language: str) -> tuple:
    organizer = FakeResident(engine, f"org-{language}")
    commune = await onboard(organizer, language)
    await organizer.say("menu")
    await organizer.say(f"ORG {await invite(db, clock, commune)}")
    return organizer, commune


@pytest.mark.parametrize("language", ["ar", "fr", "zgh", "zgh_Latn", "en"])
async def test_an_update_is_asked_for_in_each_language_in_one_script(
    engine: Engine, sqlite_db: Database, clock: Clock, language: str
) -> None:
    organizer, _commune = await organizer_in(engine, sqlite_db, clock, language)
    await organizer.tap("broadcast")
    asked = [organizer.text]
    await organizer.say("Texte")
    for other in [code for code in ("ar", "fr", "zgh", "en") if code != language]:
        await organizer.tap(other)
        asked.append(organizer.text)
        await organizer.say("Texte")
    for prompt in asked:
        assert not foreign(prompt, language), prompt


@pytest.mark.parametrize("language", ["ar", "fr", "zgh", "zgh_Latn", "en"])
async def test_the_language_confirmation_is_in_one_script(engine: Engine, language: str) -> None:
    resident = FakeResident(engine, "amina")
    await onboard(resident, "fr")
    await resident.say("language")
    labels = dict(resident.options)
    assert not foreign(labels[language], language), "each language named in its own script"
    await resident.tap(language)
    assert not foreign(resident.text, language), resident.text


TERMINAL = {
    "ar": "الطرفية",
    "fr": "le terminal",
    "zgh": "ⵜⵉⵔⵎⵉⵏⴰⵍ",
    "zgh_Latn": "tirminal",
    "en": "the terminal",
}
RAW = ("console", "privacy", "petition_signing", "youth", "lighting", "received", "yes")


@pytest.mark.parametrize("language", ["ar", "fr", "zgh", "zgh_Latn", "en"])
async def test_my_data_names_everything_in_words(
    engine: Engine, sqlite_db: Database, clock: Clock, language: str
) -> None:
    amina = FakeResident(engine, "amina")
    commune = await onboard(amina, language)
    code = await open_petition(sqlite_db, clock, commune)
    await sign_by_chat(amina, code, "Amina Alaoui", "AB123456")
    await join_youth(amina)
    await amina.say("menu")
    await report(amina, PIN, "Le lampadaire est éteint")
    await amina.tap("confirm")
    await amina.say("my data")
    shown = amina.texts[0]
    # English words may be spelled like the codes ("received"); the others never are.
    raw = RAW if language != "en" else ("console", "petition_signing")
    words = set(re.findall(r"\b[a-z_]+\b", shown))
    assert not words & set(raw), (words & set(raw), shown)
    assert TERMINAL[language] in shown, shown
    assert not re.search(rf"\b{language}\b", shown), "the language by its name, not its code"


async def test_a_meeting_time_in_words_or_refused_with_a_reason(
    engine: Engine, sqlite_db: Database, clock: Clock
) -> None:
    organizer, commune = await organizer_in(engine, sqlite_db, clock, "fr")
    await organizer.tap("new_meeting")
    await organizer.tap(f"c:{commune}")
    await organizer.say("Plan d'action")
    # Today is Sunday 22 November 2026: the example is a week from it, never a fixed day.
    assert "2026-11-29 18:00" in organizer.text and "2026-12-05" not in organizer.text
    await organizer.say("hier 18h")
    assert "déjà passé" in organizer.text and "2026-11-29 18:00" in organizer.text
    await organizer.say("31/02/2027 18:00")
    assert "n'est pas un jour du calendrier" in organizer.text
    await organizer.say("demain")
    assert "ne dit pas l'heure" in organizer.text
    await organizer.say("n'importe quand")
    assert "Je n'ai pas compris « n'importe quand »" in organizer.text
    await organizer.say("demain 18h")
    assert "Où ?" in organizer.text, "the place is asked next"
    await organizer.say("Maison des jeunes")
    await organizer.say("Budget")
    assert "lundi 23 novembre 2026 18:00" in organizer.text


async def test_the_meeting_preview_can_be_changed_before_publishing(
    engine: Engine, sqlite_db: Database, clock: Clock
) -> None:
    organizer, commune = await organizer_in(engine, sqlite_db, clock, "en")
    await organizer.tap("new_meeting")
    await organizer.tap(f"c:{commune}")
    await organizer.say("Plan")
    await organizer.say("2026-12-05 18:00")
    await organizer.say("Youth centre")
    await organizer.say("Budget")
    assert "edit" in organizer.option_ids
    await organizer.tap("edit")
    assert organizer.option_ids == ["title", "when", "place", "agenda", "back"]
    await organizer.tap("title")
    await organizer.say("Communal action plan")
    assert "Preview:" in organizer.text and "Communal action plan" in organizer.text
    await organizer.tap("edit")
    await organizer.tap("when")
    await organizer.say("friday 18:30")
    assert "Friday 27 November 2026 18:30" in organizer.text
    await organizer.tap("edit")
    await organizer.tap("place")
    await organizer.say("Town hall")
    await organizer.tap("edit")
    await organizer.tap("agenda")
    await organizer.say("Priorities for 2027")
    assert "Town hall" in organizer.text and "Priorities for 2027" in organizer.text
    await organizer.tap("publish")
    async with sqlite_db.transaction() as tx:
        row = await tx.run(lambda c: c.execute(select(MEETING)).one())
    assert (row.title, row.place, row.agenda) == ("Communal action plan", "Town hall",
                                                  "Priorities for 2027")  # fmt: skip


@pytest.mark.parametrize("language", ["ar", "fr", "zgh", "zgh_Latn", "en"])
def test_the_longest_update_with_its_sender_fits_a_whatsapp_template(
    gazetteer, language: str
) -> None:
    from bot.channels import CHANNELS
    from bot.i18n import translator
    from conversations.groups import Group, GroupKind, update_notice, update_sender
    from conversations.kit import Address, Outgoing
    from conversations.organizing import text_limit
    from conversations.seams import Push
    from conversations.text import ByLocale
    from handlers.whatsapp.capabilities import MAX_VARIABLE
    from handlers.whatsapp.outbox import variable
    from storage.groups import NAME_MAX

    longest = max(
        (gazetteer.get(code) for code in gazetteer._by_code), key=lambda c: len(c.name_fr)
    )
    commune = ByLocale((("ar", longest.name_ar),), longest.name_fr)
    association = Group(1, longest.code, GroupKind.ASSOCIATION, "N" * NAME_MAX)
    body = update_notice(
        ((language, "x" * text_limit(CHANNELS)),), update_sender([association], commune)
    )
    push = Push(Address("whatsapp", "+212600000000"), Outgoing(body.render(translator(language))))
    assert len(variable(push)) <= MAX_VARIABLE and variable(push).endswith("x"), "sent whole"
