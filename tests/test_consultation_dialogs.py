"""A consultation answered in the chat, in the four languages: Menu → Consultations, what it is
about, then one question of each kind — one choice, several with ✅ toggles and Done, a scale
by an Arabic-Indic digit, a ranking by three picks, a free text, yes or no — stored as given,
resumed after a restart, changed until it closes; on WhatsApp the same by typed numbers, on
Telegram by inline keyboards (✅ toggles, a ranking's picks leaving the keyboard)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.app import build_engine
from bot.i18n import translator
from conversations import menu
from conversations.consultation import ConsultationDraft, Question, QuestionKind, Results
from conversations.consulting import CLOSED
from conversations.phrases import NOT_AN_OPTION
from conversations.text import Renderable, _, ngettext
from handlers.telegram.webhook import SECRET_HEADER, WEBHOOK_PATH
from storage import consultations
from storage.database import Database
from storage.gazetteer import Gazetteer
from tests.fake_telegram import FakeTelegram
from tests.resident import FakeResident
from tests.support.clock import Clock
from tests.support.organizers import ORGANIZER
from tests.support.petitions import PIN, onboard
from tests.support.telegram import SECRET
from tests.support.vault import VAULT
from tests.telegram_user import TelegramUser
from tests.whatsapp_phone import WhatsApp, settled

PRIORITIES = (
    {"fr": "Éclairage", "ar": "الإنارة", "zgh": "ⴰⵙⵏⴼⵓⵍ ⵏ ⵜⴰⴼⴰⵡⵜ", "en": "Lighting"},
    {"fr": "Transport scolaire", "ar": "النقل المدرسي", "en": "School transport"},
    {"fr": "Eau", "ar": "الماء", "en": "Water"},
    {"fr": "Sport", "ar": "الرياضة", "en": "Sport"},
)
QUESTIONS = (
    Question(QuestionKind.ONE, {"fr": "Le plus urgent ?", "ar": "الأكثر استعجالا؟"}, PRIORITIES),
    Question(QuestionKind.SEVERAL, {"fr": "Lesquels ?"}, PRIORITIES, most=3),
    Question(QuestionKind.SCALE, {"fr": "Êtes-vous satisfait du quartier ?"}),
    Question(QuestionKind.RANK, {"fr": "Classez trois priorités"}, PRIORITIES),
    Question(QuestionKind.TEXT, {"fr": "Autre chose ?"}, optional=True),
    Question(QuestionKind.YES_NO, {"fr": "Viendrez-vous à la réunion ?"}),
)


def said(text: Renderable, language: str) -> str:
    return text.render(translator(language))


async def opened(db: Database, clock: Clock, commune: str, **changed: object) -> int:
    draft = ConsultationDraft(
        commune,
        "Association Nour",
        {"fr": "Priorités du quartier", "ar": "أولويات الحي", "en": "Our priorities"},
        {"fr": "Préparer le budget participatif."},
        clock(),
        clock() + timedelta(days=7),
        QUESTIONS,
        **changed,  # type: ignore[arg-type]
    )
    async with db.transaction() as tx:
        made = await tx.run(consultations.create, draft, "admin", clock())
        await tx.run(consultations.publish, made, clock())
    return made


async def results(db: Database, made: int) -> Results:
    async with db.transaction() as tx:
        return await tx.run(consultations.results, made)


@pytest.mark.parametrize("language", ["ar", "fr", "zgh", "zgh_Latn", "en"])
async def test_one_question_of_each_kind_resumed_after_a_restart(
    sqlite_db: Database, gazetteer: Gazetteer, clock: Clock, language: str
) -> None:
    amina = FakeResident(build_engine(sqlite_db, gazetteer, VAULT, clock), "amina")
    commune = await onboard(amina, language)
    made = await opened(sqlite_db, clock, commune)
    await amina.say("menu")
    await amina.tap("consultations")
    assert amina.option_ids == [str(made), "back"]
    await amina.tap(str(made))
    intro = amina.text
    assert said(_("Asked by {name}.", name="Association Nour"), language) in intro
    anonymous = _("Your answers are anonymous: organizers and the council see only the counts.")
    assert said(anonymous, language) in intro
    assert amina.option_ids == ["start", "back"]
    await amina.tap("start")
    assert said(_("Question {n} of {total}", n=1, total=6), language) in amina.text
    await amina.tap("o1")
    for pick in ("o0", "o2", "o0", "o3"):
        await amina.tap(pick)
    assert [label for _, label in amina.options][2].startswith("✅"), "a pick is marked"
    await amina.tap("done")
    # A restart in the middle: the next message answers the question it stopped on.
    again = FakeResident(build_engine(sqlite_db, gazetteer, VAULT, clock), "amina")
    await again.say("٤")
    for pick in ("o2", "o0", "o1"):
        await again.tap(pick)
    await again.say("Un banc devant l'école")
    await again.tap("o1")
    thanks = _(
        "Thank you: your answers are counted. You can change them until {date} from "
        "Menu → Consultations.",
        date=(clock() + timedelta(days=7)).date(),
    )
    assert said(thanks, language) in again.text
    found = await results(sqlite_db, made)
    one, several, scale, rank, text, yes = found.questions
    assert [o.count for o in one.options] == [0, 1, 0, 0]
    assert [o.count for o in several.options] == [0, 0, 1, 1]
    assert scale.spread == (0, 0, 0, 1, 0)
    assert [o.points for o in rank.options] == [2, 1, 3, 0]
    assert [t.text for t in text.texts] == ["Un banc devant l'école"] and yes.options[1].count == 1
    assert found.participation.completed == 1


async def test_answers_change_until_it_closes_and_bad_answers_are_said(
    sqlite_db: Database, gazetteer: Gazetteer, clock: Clock
) -> None:
    amina = FakeResident(build_engine(sqlite_db, gazetteer, VAULT, clock), "amina")
    commune = await onboard(amina, "en")
    made = await opened(sqlite_db, clock, commune)
    await amina.say("menu")
    await amina.tap("consultations")
    await amina.tap(str(made))
    await amina.tap("start")
    await amina.tap("o0")
    assert "done" not in amina.option_ids, "Done only once something is picked"
    await amina.say("nothing")
    assert amina.texts[0] == said(NOT_AN_OPTION, "en")
    for pick in ("o0", "o1", "o2", "o3"):
        await amina.tap(pick)
    await amina.tap("done")
    assert "more choices than this question allows" in amina.texts[0]
    await amina.tap("o1")
    await amina.tap("done")
    await amina.say("9")
    assert amina.texts[0] == said(NOT_AN_OPTION, "en")
    await amina.say("menu")
    await amina.tap("consultations")
    await amina.tap(str(made))
    assert amina.option_ids == ["start", "back"] and "change your answers" in amina.text
    await amina.tap("start")
    await amina.tap("o3")
    found = await results(sqlite_db, made)
    assert [o.count for o in found.questions[0].options] == [0, 0, 0, 1], "changed, once"
    clock.advance(days=8)
    await amina.tap("o0")
    assert said(CLOSED, "en") in amina.text


@pytest.mark.parametrize(("language", "how"), [("ar", "arabic"), ("fr", "number")])
async def test_by_numbered_menus_on_whatsapp(
    chat: WhatsApp, db: Database, clock: Clock, language: str, how: str
) -> None:
    phone = chat.phone("+212600000041")
    await settled(phone, language, how, PIN)
    async with db.transaction() as tx:
        commune = await tx.run(
            lambda c: c.exec_driver_sql("SELECT commune_code FROM resident").scalar_one()
        )
    made = await opened(db, clock, commune)
    await phone.choose(menu.CONSULTATIONS, how)
    digit = {"arabic": "١", "number": "1"}[how]
    await phone.say(digit)  # the only consultation
    await phone.say(digit)  # Answer
    await phone.say(digit)  # the first option
    for typed in ("1", "3", "5"):  # two options ticked, then Done (the fifth line)
        await phone.say(typed)
    found = await results(db, made)
    assert [o.count for o in found.questions[0].options] == [1, 0, 0, 0]
    assert [o.count for o in found.questions[1].options] == [1, 0, 1, 0]


async def test_inline_keyboards_on_telegram_toggle_and_rank(
    served, db: Database, clock: Clock, fake_telegram: FakeTelegram
) -> None:
    client, _channel = served
    ids = iter(range(1, 200))

    async def post(body: dict) -> None:  # type: ignore[type-arg]
        body = {"update_id": next(ids), **body}
        response = await client.post(WEBHOOK_PATH, json=body, headers={SECRET_HEADER: SECRET})
        assert response.status_code == 200

    amina = TelegramUser(fake_telegram, post, 5012345678)
    await amina.say("/start")
    await amina.tap("fr")
    await amina.tap("agree")
    await amina.share_location(*PIN)
    await amina.tap(amina.options[0])  # "this commune"
    async with db.transaction() as tx:
        commune = await tx.run(
            lambda c: c.exec_driver_sql("SELECT commune_code FROM resident").scalar_one()
        )
    made = await opened(db, clock, commune)
    await amina.say("menu")
    await amina.tap("consultations")
    await amina.tap(str(made))
    await amina.tap("start")
    await amina.tap("o2")
    await amina.tap("o1")
    await amina.tap("o3")
    _, buttons = amina.buttons()
    assert [text for _, text in buttons] == [
        "Éclairage", "✅ Transport scolaire", "Eau", "✅ Sport", "Terminé",
    ], "each pick is ticked, and Done is offered"  # fmt: skip
    await amina.tap("done")
    await amina.tap("v5")
    assert amina.options == ["o0", "o1", "o2", "o3"]
    await amina.tap("o3")
    assert amina.options == ["o0", "o1", "o2"], "a priority picked is not offered again"
    await amina.tap("o0")
    await amina.tap("o2")
    found = await results(db, made)
    assert [o.points for o in found.questions[3].options] == [2, 0, 1, 3]
    assert [o.count for o in found.questions[1].options] == [0, 1, 0, 1]


async def test_my_activity_lists_the_consultations_answered(
    sqlite_db: Database, gazetteer: Gazetteer, clock: Clock
) -> None:
    amina = FakeResident(build_engine(sqlite_db, gazetteer, VAULT, clock), "amina")
    commune = await onboard(amina, "fr")
    made = await opened(sqlite_db, clock, commune)
    await amina.say("menu")
    await amina.tap("activity")
    await amina.tap("consultations")
    assert said(_("You have not answered any consultation yet."), "fr") in amina.text
    await amina.say("menu")
    await amina.tap("consultations")
    await amina.tap(str(made))
    await amina.tap("start")
    await amina.tap("o1")
    await amina.say("menu")
    await amina.tap("activity")
    await amina.tap("consultations")
    line = _(
        "• {title} ({name}): {n} of {total} answered, {state}",
        title="Priorités du quartier", name="Association Nour", n=1, total=6,
        state=_("not finished"),
    )  # fmt: skip
    assert said(line, "fr") in amina.text
    clock.advance(days=8)
    await amina.say("menu")
    await amina.tap("activity")
    await amina.tap("consultations")
    assert "Priorités du quartier" in amina.text, "still listed once closed"


@pytest.mark.parametrize("language", ["ar", "fr", "zgh", "zgh_Latn", "en"])
async def test_an_organizer_writes_one_in_the_chat_and_residents_answer_it(
    sqlite_db: Database, gazetteer: Gazetteer, clock: Clock, language: str
) -> None:
    engine = build_engine(sqlite_db, gazetteer, VAULT, clock, frozenset({ORGANIZER}))
    org = FakeResident(engine, ORGANIZER.user)
    await onboard(org, language)
    await org.say("menu")
    await org.tap("meetings")
    await org.tap("organize")
    await org.tap("consultation")
    await org.say("Association Nour")
    await org.say("x" * 121)
    shown = "\n".join(org.texts)
    hint = ngettext(
        "Please type it, at most {n} character.", "Please type it, at most {n} characters.", 120
    )
    assert said(hint, language) in shown, "too long: said, and the title asked again"
    await org.say("Nos priorités")
    await org.say("Préparer le budget participatif.")
    await org.say("01/01/2020")
    await org.say("31/12/2026")
    await org.tap("yes")
    assert "done" not in org.option_ids, "a consultation asks one question at least"
    await org.tap("rank")
    await org.say("Classez trois priorités")
    await org.say("Éclairage\nEau")
    await org.say("Éclairage\nEau\nTransport scolaire\nSport")
    await org.tap("scale")
    await org.say("Êtes-vous satisfait ?")
    await org.tap("done")
    preview = org.text
    assert "Nos priorités" in preview and "   – Transport scolaire" in preview
    assert org.option_ids == ["publish", "cancel"]
    await org.tap("publish")
    published = _("Published: consultation {n} is open; its audience is told now.", n=1)
    assert said(published, language) in "\n".join(org.texts)
    amina = FakeResident(engine, "amina")
    await onboard(amina, language)
    await amina.say("menu")
    await amina.tap("consultations")
    await amina.tap("1")
    await amina.tap("start")
    assert amina.option_ids == ["o0", "o1", "o2", "o3"]
    for pick in ("o2", "o0", "o1"):
        await amina.tap(pick)
    await amina.say("4")
    found = await results(sqlite_db, 1)
    assert [o.points for o in found.questions[0].options] == [2, 1, 3, 0]
    assert found.questions[1].mean == 4 and found.participation.completed == 1


async def test_a_reply_c_and_its_number_opens_the_consultation(
    sqlite_db: Database, gazetteer: Gazetteer, clock: Clock
) -> None:
    amina = FakeResident(build_engine(sqlite_db, gazetteer, VAULT, clock), "amina")
    commune = await onboard(amina, "fr")
    made = await opened(sqlite_db, clock, commune)
    await amina.say(f"C {made}")
    assert said(_("Asked by {name}.", name="Association Nour"), "fr") in amina.text
    assert amina.option_ids == ["start", "back"]
    await amina.say("menu")
    await amina.say("c 999")
    assert said(CLOSED, "fr") in "\n".join(amina.texts), "another's, or none: said so"


async def test_a_newcomers_reply_c_opens_the_consultation_once_set_up(
    sqlite_db: Database, gazetteer: Gazetteer, clock: Clock
) -> None:
    made = await opened(sqlite_db, clock, gazetteer.at(*PIN).code)
    engine = build_engine(sqlite_db, gazetteer, VAULT, clock)
    newcomer = FakeResident(engine, "newcomer", language_hint="fr")
    await newcomer.say(f"C {made}")  # the template's reply, before any setting up
    assert newcomer.option_ids[0] == "fr", "onboarding comes first"
    await newcomer.tap("fr")
    await newcomer.tap("agree")
    await newcomer.share_location(*PIN)
    await newcomer.say("1")
    assert said(_("Asked by {name}.", name="Association Nour"), "fr") in newcomer.text
    assert newcomer.option_ids == ["start", "back"]
