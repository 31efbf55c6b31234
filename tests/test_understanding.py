"""Hayna understands how Moroccans write: yes and no in every spelling, thanks, requests in
Darija and Arabizi, communes by their everyday names, pins near a boundary, and a first screen
in the language of the first message. Every check goes through the real engine."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.app import build_engine
from bot.i18n import translator
from conversations.assent import assent
from conversations.engine import Engine
from conversations.groups import ANSWER_LABELS, Answer
from conversations.intents import request
from conversations.menu import HOME
from conversations.my_data import KEPT
from conversations.onboarding import ASK_COMMUNE, DECLINED, PRIVACY, WELCOME
from conversations.phrases import HELP, NOT_AN_OPTION, YOU_ARE_WELCOME
from conversations.report_need import ASK_DESCRIPTION, ASK_PLACE
from conversations.text import Renderable, lines
from conversations.words import Word, global_word
from storage.aliases import ALIASES
from storage.database import Database
from storage.gazetteer import Gazetteer
from storage.models import CONVERSATION, REPORT, RESIDENT, SIGNATURE
from tests.resident import FakeResident
from tests.support.clock import Clock
from tests.support.meetings import ADMIN, join_youth, youth_meeting
from tests.support.organizers import invite
from tests.support.petitions import open_petition
from tests.support.vault import VAULT

PIN = (33.5570, -7.5850)  # Hay Ben M'Sick, Casablanca, far from any other arrondissement
AGADIR = (30.4205, -9.5981)
# Inside Ben M'Sick as the shipped boundaries draw it, about 90 m from Aïn-Chock: where a
# real address a few tens of metres inside Aïn-Chock can fall.
NEAR_LINE = (33.5600, -7.5950)
CORPUS = Path(__file__).parent / "data" / "requests.tsv"

YES = ["نعم", "اه", "آه", "iyeh", "ah", "wakha", "واخا", "ok", "oui", "yes", "👍", "ⵢⴰⵀ", "ⵉⵀ"]
NO = ["la", "لا", "non", "no", "ⵓⵀⵓ"]
THANKS = ["chokran", "choukran", "شكرا", "merci", "thanks", "ⵜⴰⵏⵎⵉⵔⵜ", "merci 🙏", "chokran bzaf"]


def render(text: Renderable, locale: str) -> str:
    return text.render(translator(locale))


async def row(db: Database, table: Any, user: str) -> dict[str, Any]:
    """The resident's row, or their conversation's."""
    async with db.transaction() as tx:
        resident = await tx.run(
            lambda c: c.execute(select(RESIDENT).where(RESIDENT.c.user_id == user)).one()
        )
        if table is RESIDENT:
            return dict(resident._mapping)
        found = await tx.run(
            lambda c: c.execute(
                select(CONVERSATION).where(CONVERSATION.c.resident_id == resident.id)
            ).one()
        )
    return dict(found._mapping)


async def to_commune(resident: FakeResident, language: str = "fr") -> None:
    await resident.say("salam")
    await resident.tap(language)
    await resident.tap("agree")


async def onboard(resident: FakeResident, language: str = "fr", pin: tuple = PIN) -> str:
    await to_commune(resident, language)
    await resident.share_location(*pin)
    await resident.tap(resident.option_ids[0])
    assert resident.option_ids[0] == "report", resident.text
    commune = resident.engine.store.gazetteer.at(*pin)  # type: ignore[attr-defined]
    return str(commune.code)


def code_of(gazetteer: Gazetteer, name: str) -> str:
    return next(c.code for c in gazetteer.search(name, 24) if c.name_fr == name)


# 1. Yes and no, and thanks -----------------------------------------------------------------


def test_each_spelling_reads_as_yes_or_no() -> None:
    assert [assent(word) for word in YES] == [True] * len(YES)
    assert [assent(word) for word in NO] == [False] * len(NO)
    assert assent("Wakha 3afak") is True and assent("la chokran") is False
    assert assent("oui merci") is True and assent("non merci") is False
    assert assent("ah non") is None and assent("bonjour") is None and assent("") is None


async def test_consent_takes_a_yes_or_a_no_in_any_spelling(
    engine: Engine, sqlite_db: Database
) -> None:
    for i, word in enumerate(YES):
        resident = FakeResident(engine, f"yes-{i}")
        await resident.say("salam")
        await resident.tap("ar")
        await resident.say(word)
        assert resident.last[-1].text == render(ASK_COMMUNE.text, "ar"), word
        assert (await row(sqlite_db, RESIDENT, f"yes-{i}"))["consent_version"], word
    for i, word in enumerate(NO):
        resident = FakeResident(engine, f"no-{i}")
        await resident.say("salam")
        await resident.tap("fr")
        await resident.say(word)
        assert resident.texts[0] == render(DECLINED, "fr"), word
        assert (await row(sqlite_db, RESIDENT, f"no-{i}"))["consent_version"] is None, word


async def test_is_this_your_commune_takes_a_yes_or_a_no(
    engine: Engine, sqlite_db: Database, gazetteer: Gazetteer
) -> None:
    amina, karim = FakeResident(engine, "amina"), FakeResident(engine, "karim")
    await to_commune(amina)
    await amina.share_location(*AGADIR)
    await amina.say("wakha")
    assert amina.last[-1].text == render(HOME.text, "fr")
    assert (await row(sqlite_db, RESIDENT, "amina"))["commune_code"] == gazetteer.at(*AGADIR).code
    await to_commune(karim)
    await karim.say("Agadir Melloul")  # one commune of that name: "Is it yours?"
    assert len(karim.option_ids) == 2, karim.options
    await karim.say("la")
    assert karim.last[-1].text == render(ASK_COMMUNE.text, "fr")
    assert (await row(sqlite_db, RESIDENT, "karim"))["commune_code"] is None


async def describe_and_summarize(resident: FakeResident) -> None:
    if "different" in resident.option_ids:
        await resident.tap("different")
    await resident.say("Lampadaire éteint")
    await resident.tap("skip")
    assert resident.option_ids == ["confirm", "change", "cancel"]


async def test_the_report_takes_yes_and_no_at_its_questions(
    engine: Engine, sqlite_db: Database
) -> None:
    amina = FakeResident(engine, "amina")
    await onboard(amina)
    await amina.tap("report")
    await amina.tap("lighting")
    await amina.share_location(*AGADIR)  # another commune: "Report this need there?"
    assert amina.option_ids == ["switch", "stay"]
    await amina.say("iyeh")
    await describe_and_summarize(amina)
    await amina.say("la")  # "Is everything right?" No: something to change
    assert amina.option_ids == ["category", "place", "description", "photos"]
    await amina.say("menu")
    await amina.tap("report")
    await amina.tap("lighting")
    await amina.share_location(*PIN)
    await describe_and_summarize(amina)
    await amina.say("واخا")
    async with sqlite_db.transaction() as tx:
        (ref,) = await tx.run(lambda c: c.execute(select(REPORT.c.ref)).scalars().all())
    assert ref in amina.text


async def test_signing_a_petition_takes_yes_and_no(
    engine: Engine, sqlite_db: Database, clock: Clock
) -> None:
    amina, karim = FakeResident(engine, "amina"), FakeResident(engine, "karim")
    code = await open_petition(sqlite_db, clock, await onboard(amina))
    for resident, eligible in ((amina, "ⵢⴰⵀ"), (karim, "ⵓⵀⵓ")):
        if resident is karim:
            await onboard(karim)
        await resident.tap("petitions")
        await resident.tap(code)
        await resident.tap("sign")
        await resident.say("Wakha 3afak")  # the consent
        await resident.say("Amina Alaoui")
        await resident.say("AB123456" if resident is amina else "CD654321")
        await resident.say(eligible)
    await amina.say("👍")  # "Confirm?"
    async with sqlite_db.transaction() as tx:
        signed = await tx.run(
            lambda c: c.execute(select(func.count()).select_from(SIGNATURE)).scalar_one()
        )
    assert signed == 1, "amina signed, karim said he cannot"
    assert "Rien n'a été conservé" in karim.text
    await amina.tap("withdraw")
    await amina.say("oui")
    assert "retirée" in amina.text


async def test_erasing_ones_data_takes_a_no(engine: Engine) -> None:
    amina = FakeResident(engine, "amina")
    await onboard(amina)
    await amina.say("supprimer mes données")
    await amina.say("non")
    assert amina.texts[0] == render(KEPT, "fr")


async def test_a_meeting_and_an_organizers_confirmations_take_yes_and_no(
    sqlite_db: Database, gazetteer: Gazetteer, clock: Clock
) -> None:
    engine = build_engine(sqlite_db, gazetteer, VAULT, clock, frozenset({ADMIN}))
    amina = FakeResident(engine, "amina")
    commune = await onboard(amina)
    await join_youth(amina)
    await onboard(FakeResident(engine, ADMIN.user))
    meeting = await youth_meeting(engine, clock, commune)
    await amina.tap("back")
    await amina.tap("meetings")
    await amina.tap(f"m{meeting}")
    await amina.say("wakha")
    assert render(ANSWER_LABELS[Answer.YES], "fr") in amina.text
    await amina.say("la")
    assert render(ANSWER_LABELS[Answer.NO], "fr") in amina.text

    organizer = FakeResident(engine, "khadija")
    await onboard(organizer, "en")
    await organizer.say("menu")
    await organizer.say(f"ORG {await invite(sqlite_db, clock, commune)}")
    await organizer.tap("broadcast")
    await organizer.say("Clean-up day on Sunday.")
    await organizer.tap("continue")
    await organizer.tap(f"c:{commune}")
    await organizer.tap("later")
    await organizer.say("2026-11-23 10:00")
    assert "Send it on" in organizer.text
    await organizer.say("ok")
    assert "Send it on" not in organizer.text and NOT_AN_OPTION.msgid not in organizer.text


async def test_thanks_are_answered_kindly_and_answer_nothing(
    engine: Engine, sqlite_db: Database
) -> None:
    welcome = render(YOU_ARE_WELCOME, "fr")
    amina = FakeResident(engine, "amina")
    await amina.say("salam")
    await amina.tap("fr")
    await amina.say("merci")  # at the consent: kindness, and the notice again
    assert amina.texts == [welcome, render(PRIVACY.text, "fr")]
    assert (await row(sqlite_db, RESIDENT, "amina"))["consent_version"] is None
    await amina.tap("agree")
    await amina.share_location(*PIN)
    asked = amina.options
    await amina.say("chokran")  # at "Is it your commune?": not a yes
    assert amina.texts[0] == welcome and amina.options == asked
    assert (await row(sqlite_db, RESIDENT, "amina"))["commune_code"] is None
    await amina.tap(amina.option_ids[0])
    for word in THANKS:  # at the menu
        await amina.say(word)
        assert amina.texts == [welcome, render(HOME.text, "fr")], word
    await amina.tap("report")
    await amina.tap("lighting")
    await amina.share_location(*PIN)
    await amina.say("شكرا")  # at the description: not a description
    assert amina.texts == [welcome, render(ASK_DESCRIPTION.text, "fr")]
    data = json.loads((await row(sqlite_db, CONVERSATION, "amina"))["data"])
    assert data["description"] == ""
    assert global_word("ⵜⴰⵏⵎⵉⵔⵜ") is Word.THANKS


# 2. Requests in Darija, Arabizi, French and English ----------------------------------------


def corpus() -> list[tuple[str, str]]:
    found = []
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            expected, text = line.split("\t")
            found.append((expected, text))
    return found


def test_the_corpus_holds_the_common_requests() -> None:
    texts = {text for _, text in corpus()}
    for needed in (
        "bghit nchki",
        "بغيت نشكي",
        "بغيت نبلغ",
        "الضو مقطوع",
        "ma kaynch lma",
        "الما مقطوع",
        "fin kayn lmenu",
        "lmenu",
        "bghit nsigni",
        "عريضة",
        "ljtima3",
        "اجتماع",
    ):
        assert needed in texts
    assert len(texts) >= 50
    assert any("3afak" in text for text in texts) and any("عافاك" in text for text in texts)


async def test_each_request_of_the_corpus_opens_its_flow(
    engine: Engine, sqlite_db: Database, clock: Clock
) -> None:
    amina = FakeResident(engine, "amina")
    await open_petition(sqlite_db, clock, await onboard(amina))
    for expected, text in corpus():
        await amina.say("menu")
        await amina.say(text)
        state = await row(sqlite_db, CONVERSATION, "amina")
        kind, _, category = expected.partition(":")
        assert render(NOT_AN_OPTION, "fr") not in amina.texts, text
        flow = {"report": "report_need", "petitions": "petitions", "meetings": "subscriptions"}
        if kind in flow or kind == "activity":
            assert state["flow"] == flow.get(kind, kind), text
        if kind == "report":
            assert json.loads(state["data"])["category"] == category, text
            question = ASK_PLACE.text if category else HOME.text
            assert not category or amina.last[-1].text == render(question, "fr"), text
        if kind == "help":
            assert amina.texts == [render(HELP, "fr"), render(HOME.text, "fr")], text
        if kind == "menu":
            assert amina.texts == [render(HOME.text, "fr")], text


async def test_a_request_opens_its_flow_from_another_flow_too(
    engine: Engine, sqlite_db: Database
) -> None:
    amina = FakeResident(engine, "amina")
    await onboard(amina)
    await amina.tap("meetings")
    await amina.say("عافاك بغيت نشكي")
    assert (await row(sqlite_db, CONVERSATION, "amina"))["flow"] == "report_need"
    await amina.say("fin kayn lmenu 3afak")
    assert amina.last[-1].text == render(HOME.text, "fr")


def test_a_named_problem_gives_its_category_and_nonsense_nothing() -> None:
    assert request("bghit nsigni 3la l3arida dyal lma").intent == "petitions"  # type: ignore[union-attr]
    assert request("الزبل ما كيتجمعش").category == "waste"  # type: ignore[union-attr]
    assert request("ما كاين والو") is None and request("qsdkjh") is None
    assert request("3afak") is None
    assert request("x " * 200 + "bghit nchki") is None, "a long text is not a request"


# 3. Communes by their everyday names, and pins near a boundary -----------------------------


async def candidates(resident: FakeResident) -> list[str]:
    """Every commune offered, page after page."""
    seen: list[str] = []
    while True:
        seen += [o for o in resident.option_ids if not o.startswith("page:") and o != "other"]
        more = [o for o in resident.option_ids if o.startswith("page:")]
        if not more or int(more[0].removeprefix("page:")) < len(seen) // 8:
            return seen
        await resident.tap(more[0])


async def test_a_city_by_its_everyday_name_offers_every_arrondissement(
    engine: Engine, gazetteer: Gazetteer
) -> None:
    arrondissements = {
        c.code
        for c in gazetteer.search("Casablanca", 24)
        if c.kind == "arrondissement" and c.province_fr == "Casablanca"
    }
    assert len(arrondissements) == 16
    for i, name in enumerate(("casa", "dar lbida", "الدار البيضاء", "casablanca")):
        resident = FakeResident(engine, f"casa-{i}")
        await to_commune(resident)
        await resident.say(name)
        offered = await candidates(resident)
        assert arrondissements <= set(offered), name


@pytest.mark.parametrize(
    ("typed", "first"),
    [
        ("tanja", "Tanger-Médina"),
        ("tangier", "Tanger-Médina"),
        ("wjda", "Oujda"),
        ("oujda", "Oujda"),
        ("fes", "Fès-Médina"),
        ("fas", "Fès-Médina"),
        ("mrakech", "Marrakech-Médina"),
        ("marrakech", "Marrakech-Médina"),
        ("rbat", "Agdal Riyad"),
        ("agadir", "Agadir"),
        ("ⴰⴳⴰⴷⵉⵔ", "Agadir"),
        ("ⵟⴰⵏⵊⴰ", "Tanger-Médina"),
    ],
)
async def test_everyday_and_tifinagh_names_find_the_city(
    engine: Engine, typed: str, first: str
) -> None:
    resident = FakeResident(engine, "amina")
    await to_commune(resident)
    await resident.say(typed)
    assert resident.options[0][1].startswith(first), resident.options


async def test_a_city_and_an_arrondissement_together_find_it(
    engine: Engine, sqlite_db: Database, gazetteer: Gazetteer
) -> None:
    resident = FakeResident(engine, "amina")
    await to_commune(resident)
    await resident.say("casa ben msik")
    assert len(resident.option_ids) == 2  # Ben M'Sick, and "none of these"
    await resident.say("iyeh")
    code = (await row(sqlite_db, RESIDENT, "amina"))["commune_code"]
    assert code == code_of(gazetteer, "Ben M'Sick")


def test_every_everyday_name_finds_what_its_official_name_finds(gazetteer: Gazetteer) -> None:
    for alias, official in ALIASES.items():
        meant = gazetteer.search(official, 24)
        assert meant, f"{official!r} is not a name the gazetteer knows"
        assert gazetteer.search(alias, 24)[:1] == meant[:1], alias


def test_a_pin_near_a_boundary_is_near_both_communes(gazetteer: Gazetteer) -> None:
    assert [c.name_fr for c in gazetteer.around(*NEAR_LINE)] == ["Ben M'Sick", "Aïn-Chock"]
    assert [c.name_fr for c in gazetteer.around(*PIN)] == ["Ben M'Sick"]
    assert gazetteer.around(33.75, -8.20) == []  # at sea


async def test_a_pin_near_a_boundary_offers_both_communes(
    engine: Engine, sqlite_db: Database, gazetteer: Gazetteer
) -> None:
    resident = FakeResident(engine, "amina")
    await to_commune(resident)
    await resident.share_location(*NEAR_LINE)
    ain_chock = code_of(gazetteer, "Aïn-Chock")
    assert resident.option_ids == [code_of(gazetteer, "Ben M'Sick"), ain_chock, "other"]
    await resident.tap(ain_chock)
    assert (await row(sqlite_db, RESIDENT, "amina"))["commune_code"] == ain_chock


async def test_a_report_pinned_near_the_residents_commune_stays_in_it(
    engine: Engine, sqlite_db: Database, gazetteer: Gazetteer
) -> None:
    resident = FakeResident(engine, "amina")
    await to_commune(resident)
    await resident.share_location(*NEAR_LINE)
    ain_chock = code_of(gazetteer, "Aïn-Chock")
    await resident.tap(ain_chock)
    await resident.tap("report")
    await resident.tap("lighting")
    await resident.share_location(*NEAR_LINE)
    assert "switch" not in resident.option_ids, "no question: the pin may be in Aïn-Chock"
    await describe_and_summarize(resident)
    await resident.tap("confirm")
    async with sqlite_db.transaction() as tx:
        saved = await tx.run(lambda c: c.execute(select(REPORT.c.commune_code)).scalar_one())
    assert saved == ain_chock


# 4. The first screen in the language of the first message ----------------------------------


@pytest.mark.parametrize(
    ("first", "locale"),
    [
        ("bonjour", "fr"),
        ("Salut !", "fr"),
        ("bonsoir", "fr"),
        ("hello", "en"),
        ("hi", "en"),
        ("ⴰⵣⵓⵍ", "zgh"),
        ("tanmmirt ɣurun", "zgh_Latn"),
        ("مرحبا", "ar"),
        ("بغيت نشكي", "ar"),
    ],
)
async def test_a_first_message_in_one_language_is_answered_in_it(
    engine: Engine, sqlite_db: Database, first: str, locale: str
) -> None:
    # Telegram said Arabic, the resident wrote otherwise: what they wrote wins.
    resident = FakeResident(engine, "amina", language_hint="ar" if locale != "ar" else "fr")
    await resident.say(first)
    assert resident.text == render(lines(WELCOME, PRIVACY.text), locale)
    assert resident.option_ids == ["agree", "decline", "language"]
    assert (await row(sqlite_db, RESIDENT, "amina"))["language"] == locale
    await resident.tap("language")  # the language menu is one tap away
    assert resident.option_ids[:1] == [locale] and len(resident.option_ids) == 5
    await resident.tap("en")
    assert resident.text == render(PRIVACY.text, "en")


@pytest.mark.parametrize("first", ["salam", "السلام عليكم", "slm", "/start", "1"])
async def test_a_greeting_of_every_language_asks_for_the_language(
    engine: Engine, first: str
) -> None:
    resident = FakeResident(engine, "amina")
    await resident.say(first)
    assert resident.option_ids == ["ar", "fr", "zgh", "zgh_Latn", "en"]
    assert render(WELCOME, "ar") in resident.text


async def test_the_language_word_reaches_the_menu_after_a_guess(engine: Engine) -> None:
    resident = FakeResident(engine, "amina")
    await resident.say("Bonjour")
    await resident.say("langue")
    assert resident.option_ids == ["fr", "ar", "zgh", "zgh_Latn", "en"]
