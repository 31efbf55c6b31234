"""An association's petition in the chat, in the four languages: an organizer drafts it (who
files it, which association, the day of its declaration, no threshold) and publishes it; a
resident reads that it is the association's, supports it with one confirmation (no name, no
CIN) and withdraws the support; on WhatsApp the same by typed numbers, Arabic-Indic too."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from bot.app import build_engine
from bot.i18n import translator
from conversations import menu, petitions
from conversations.association import CheckItem, Checklist
from conversations.groups import GroupKind
from conversations.petition import LIFE_LABELS_OF, PetitionKind, PetitionLife
from conversations.petition_drafting import BY_ASSOCIATION, NO_ASSOCIATION
from conversations.phrases import NOT_AN_OPTION
from conversations.text import Renderable, _, ngettext
from storage.database import Database
from storage.gazetteer import Gazetteer
from storage.groups import create_group
from storage.models import PETITION, PETITION_CHECK, PETITION_SUPPORT, RESIDENT, SIGNATURE
from tests.resident import FakeResident
from tests.support.clock import Clock
from tests.support.organizers import ORGANIZER
from tests.support.petitions import ASSOCIATION, PIN, onboard, open_association_petition
from tests.support.tables import rows
from tests.support.vault import VAULT
from tests.whatsapp_phone import WhatsApp, settled

TEXTS = {
    "ar": ("دار الشباب", "إعادة فتح دار الشباب", "نص العريضة.", "فتحها قبل الصيف.", "يوسف"),
    "fr": ("Maison des jeunes", "La rouvrir", "Le texte.", "La rouvrir avant l'été.", "Youssef"),
    "zgh": ("ⵜⴰⴷⴷⴰⵔⵜ ⵏ ⵉⵎⵥⵍⴰⵢⵏ", "ⴰⵔⵣⵣⵓ", "ⴰⴹⵔⵉⵚ.", "ⴰⵔⵣⵣⵓ.", "ⵢⵓⵙⴼ"),
    "zgh_Latn": ("Taddart n imẓlayn", "Arzzu", "Aḍriṣ.", "Arzzu.", "Yusf"),
    "en": ("Youth centre", "Reopen it", "The text.", "Reopen it before summer.", "Youssef"),
}


def said(text: Renderable, language: str) -> str:
    return text.render(translator(language))


async def count(db: Database, table) -> int:  # type: ignore[no-untyped-def]
    async with db.transaction() as tx:
        query = select(func.count()).select_from(table)
        return int(await tx.run(lambda c: c.execute(query).scalar_one()))


@pytest.fixture
def engine(sqlite_db: Database, gazetteer: Gazetteer, clock: Clock):  # type: ignore[no-untyped-def]
    checklist = Checklist((CheckItem.EXISTENCE, CheckItem.SEAT, CheckItem.STATUTES), years=3)
    return build_engine(
        sqlite_db, gazetteer, VAULT, clock, frozenset({ORGANIZER}), checklist=checklist
    )


async def draft_one(org: FakeResident, db: Database, clock: Clock, language: str) -> str:
    """The organizer drafts and publishes an association's petition; its code."""
    commune = await onboard(org, language)
    async with db.transaction() as tx:
        nour = await tx.run(
            create_group, commune, GroupKind.ASSOCIATION, ASSOCIATION, "admin", clock()
        )
        await tx.run(create_group, commune, GroupKind.ASSOCIATION, "Amal", "admin", clock())
    await org.say("menu")
    await org.tap("petitions")
    await org.tap("new_petition")
    await org.tap("here")
    await org.tap("association")
    assert [label for _, label in org.options] == [ASSOCIATION, "Amal"]
    await org.say("nobody")
    assert said(NOT_AN_OPTION, language) in org.texts[0]
    await org.tap(str(nour))
    await org.say("31/12/2030")
    assert said(_("Please type a day that is today ({today}) or before, as DD/MM/YYYY.",
                  today=date(2026, 11, 22)), language) in org.texts[0]  # fmt: skip
    await org.say("١٥/٠٣/٢٠١٩")
    title, summary, body, requests, representative = TEXTS[language]
    await org.say(title)
    await org.tap("culture")
    for answer in (summary, body, requests, representative, "31/12/2026"):
        await org.say(answer)
    preview = "\n".join(org.texts)
    assert said(_("Filed by the association {name}.", name=ASSOCIATION), language) in preview
    assert (
        said(_("Its declaration was received on {date}.", date=date(2019, 3, 15)), language)
        in preview
    )
    assert org.option_ids == ["publish", "draft", "change", "cancel"], "no threshold asked"
    await org.tap("publish")
    async with db.transaction() as tx:
        code = await tx.run(lambda c: c.execute(select(PETITION.c.code)).scalar_one())
    assert code in org.text
    return code


@pytest.mark.parametrize("language", ["ar", "fr", "zgh", "zgh_Latn", "en"])
async def test_an_association_petition_drafted_then_supported(
    engine, sqlite_db: Database, clock: Clock, language: str
) -> None:  # type: ignore[no-untyped-def]
    org = FakeResident(engine, ORGANIZER.user)
    code = await draft_one(org, sqlite_db, clock, language)
    (petition,) = await rows(sqlite_db, PETITION)
    assert (petition["kind"], petition["threshold"]) == ("association", 0)
    assert petition["declared_on"] == date(2019, 3, 15)
    assert await count(sqlite_db, PETITION_CHECK) == 3, "the deployment's checklist"

    amina = FakeResident(engine, "amina")
    await onboard(amina, language)
    await amina.say("menu")
    await amina.tap("petitions")
    listed = dict(amina.options)[code]
    assert said(ngettext("{n} supporter", "{n} supporters", 0), language) in listed
    await amina.tap(code)
    card = amina.text
    assert said(_("Filed by the association {name}.", name=ASSOCIATION), language) in card
    assert said(petitions.NOT_A_SIGNATURE, language) in card
    assert said(LIFE_LABELS_OF[PetitionKind.ASSOCIATION][PetitionLife.OPEN], language) in card
    assert amina.option_ids == ["read", "support", "back"]
    await amina.tap("support")
    assert amina.option_ids == ["support", "cancel"]
    await amina.tap("support")
    assert (
        said(
            _("Thank you: your support is counted. You will be told how the petition goes on."),
            language,
        )
        in amina.texts[0]
    )
    assert amina.option_ids == ["read", "withdraw", "back"]
    assert await count(sqlite_db, PETITION_SUPPORT) == 1
    assert await count(sqlite_db, SIGNATURE) == 0, "a support is no signature"
    await amina.tap("withdraw")
    await amina.tap("withdraw")
    assert said(_("Your support was withdrawn."), language) in amina.texts[0]
    assert await count(sqlite_db, PETITION_SUPPORT) == 0


async def test_a_commune_without_an_association_says_how_to_make_one(
    engine, sqlite_db: Database
) -> None:  # type: ignore[no-untyped-def]
    org = FakeResident(engine, ORGANIZER.user)
    await onboard(org, "fr")
    await org.say("menu")
    await org.tap("petitions")
    await org.tap("new_petition")
    await org.tap("here")
    await org.tap(BY_ASSOCIATION.id)
    assert said(NO_ASSOCIATION, "fr") in org.texts[0]
    assert org.option_ids == ["residents", "association"], "who files it, asked again"


@pytest.mark.parametrize(("language", "how"), [("ar", "arabic"), ("fr", "number")])
async def test_support_by_numbers_on_whatsapp(
    chat: WhatsApp, db: Database, clock: Clock, language: str, how: str
) -> None:
    phone = chat.phone("+212600000031")
    await settled(phone, language, how, PIN)
    (resident,) = await rows(db, RESIDENT)
    await open_association_petition(db, clock, str(resident["commune_code"]))
    await phone.choose(menu.PETITIONS, how)
    await phone.say({"arabic": "١", "number": "1"}[how])  # the only petition
    assert said(petitions.NOT_A_SIGNATURE, language) in phone.text
    await phone.choose(petitions.SUPPORT, how)
    await phone.choose(petitions.SUPPORT, how)
    assert await count(db, PETITION_SUPPORT) == 1
    assert said(_("You supported it on {date}.", date=clock()), language) in phone.text
