"""Ask the association, in the chat, in the four languages: a resident asks (an empty question
refused), an organizer claims it under Organizer tools → Residents' questions, answers it and
saves the answer for the commune; the answer is a push to the resident, who replies from the
word of their language, and the reply is the answerer's again. On WhatsApp the same by numbers,
and a closed or unknown question said so."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select, update

from bot.app import build_engine
from bot.i18n import translator
from conversations import answering, asking, menu, organizing, subscriptions
from conversations.kit import Address, Media, MediaKind
from conversations.onboarding import AGREE
from conversations.question import answer_notice
from conversations.text import Renderable, _
from storage import questions, rights
from storage.database import Database
from storage.gazetteer import Gazetteer
from storage.models import CANNED_ANSWER, CONVERSATION, DELIVERY, QUESTION, RESIDENT
from storage.subject import Subject
from tests.resident import FakeResident
from tests.support.clock import Clock
from tests.support.dialog import rows
from tests.support.organizers import ORGANIZER, invite
from tests.support.petitions import PIN, onboard
from tests.support.vault import VAULT
from tests.whatsapp_phone import WhatsApp

# Tamazight in Latin letters has no words of its own yet: the menu's label, typed, is read.
WORD = {
    "ar": "سؤال",
    "fr": "poser une question",
    "zgh": "ⵙⵇⵙⴰⵜ",
    "zgh_Latn": "Sqsat tamsmunt",
    "en": "question",
}


def said(text: Renderable, language: str) -> str:
    return text.render(translator(language))


@pytest.mark.parametrize("language", ["ar", "fr", "zgh", "zgh_Latn", "en"])
async def test_asked_answered_pushed_and_followed_up(
    sqlite_db: Database, gazetteer: Gazetteer, clock: Clock, language: str
) -> None:
    engine = build_engine(sqlite_db, gazetteer, VAULT, clock, frozenset({ORGANIZER}))
    amina = FakeResident(engine, "amina")
    await onboard(amina, language)
    await amina.say("menu")
    assert amina.option_ids[-1] == "ask"
    await amina.tap("ask")
    await amina.say("   ")
    assert await rows(sqlite_db, QUESTION) == [], "nothing stored"
    # A file that is neither a photo nor a voice note, without a word: no question either.
    await amina.send(media=(Media(MediaKind.DOCUMENT, "doc-1", "application/pdf", 900),))
    assert said(asking.EMPTY, language) in "\n".join(amina.texts), "an empty question refused"
    await amina.say("Quand passe le camion des déchets ?")
    sent = _(
        "Your question #{n} is sent to the organizers. Their answer will come here; you can "
        "follow it under Menu → Ask the association.",
        n=1,
    )
    assert said(sent, language) in amina.text

    org = FakeResident(engine, ORGANIZER.user)
    await onboard(org, "fr")
    await org.say("menu")
    await org.tap("meetings")
    await org.tap("organize")
    await org.tap("questions")
    assert org.option_ids == ["q1", "back"]
    await org.tap("q1")
    assert "Quand passe le camion des déchets ?" in org.text
    await org.say("Le lundi et le jeudi, vers 7 h.")
    assert org.option_ids == ["save", "no"]
    await org.tap("save")
    (canned,) = await rows(sqlite_db, CANNED_ANSWER)
    assert canned["text"] == "Le lundi et le jeudi, vers 7 h."

    (push,) = [d for d in await rows(sqlite_db, DELIVERY) if d["message_key"].startswith("quest")]
    assert json.loads(push["body"]) == answer_notice(1, "Le lundi et le jeudi, vers 7 h.").to_json()
    (ticket,) = await rows(sqlite_db, QUESTION)
    assert ticket["status"] == "answered" and ticket["answered_by"] is not None

    await amina.say(WORD[language])
    assert amina.option_ids[:2] == ["new", "q1"]
    await amina.tap("q1")
    assert "Le lundi et le jeudi, vers 7 h." in amina.text
    await amina.say("Et pendant l'Aïd ?")
    reply = _("Your reply to question #{n} is sent to the organizers.", n=1)
    assert said(reply, language) in amina.text
    (ticket,) = await rows(sqlite_db, QUESTION)
    assert ticket["status"] == "claimed" and ticket["claimed_by"] == ticket["answered_by"]
    keys = [d["message_key"] for d in await rows(sqlite_db, DELIVERY)]
    assert any(key.startswith("question-follow-up:") for key in keys), "the answerer is told"


async def test_a_saved_answer_picked_and_a_question_to_a_group(
    sqlite_db: Database, gazetteer: Gazetteer, clock: Clock
) -> None:
    engine = build_engine(sqlite_db, gazetteer, VAULT, clock, frozenset({ORGANIZER}))
    amina = FakeResident(engine, "amina")
    await onboard(amina, "fr")
    await amina.say("menu")
    await amina.tap("meetings")
    await amina.tap("groups")
    youth = next(oid for oid in amina.option_ids if oid not in ("back",))
    await amina.tap(youth)
    await amina.say("poser une question")
    assert amina.option_ids[0] == "c" and len(amina.option_ids) == 3, "the commune, a group"
    await amina.tap(amina.option_ids[1])
    await amina.send_voice("note-1.ogg")
    assert said(asking.sent_notice(1), "fr") in amina.text
    org = FakeResident(engine, ORGANIZER.user)
    await onboard(org, "fr")
    async with sqlite_db.transaction() as tx:
        await tx.run(
            questions.save_canned, "141.01.61", "Voyez la maison des jeunes.", "a", clock()
        )
    await org.say("menu")
    await org.tap("meetings")
    await org.tap("organize")
    await org.tap("questions")
    await org.tap("q1")
    assert "📎" in org.text and org.option_ids == ["canned", "back"]
    await org.tap("canned")
    await org.tap(org.option_ids[0])
    done = _("Your answer to question #{n} is on its way to the resident.", n=1)
    assert said(done, "fr") in "\n".join(org.texts)
    (ticket,) = await rows(sqlite_db, QUESTION)
    assert ticket["status"] == "answered" and ticket["group_id"] is not None

    # Amina opens it to reply; it closes meanwhile: her reply is told so, not lost silently.
    await amina.say("poser une question")
    await amina.tap("q1")
    closing = update(QUESTION).values(status="closed")
    async with sqlite_db.transaction() as tx:
        await tx.run(lambda c: c.execute(closing))
    await amina.say("Merci, et le samedi ?")
    assert said(asking.GONE, "fr") in amina.text


async def test_on_whatsapp_by_numbers(chat: WhatsApp, db: Database, clock: Clock) -> None:
    amina = chat.phone("+212600000031")
    await amina.say("Salam")
    await amina.choose("العربية")
    amina.locale = "ar"
    await amina.choose(AGREE)
    await amina.share_location(*PIN)
    await amina.say("1")
    await amina.choose(menu.ASK)
    await amina.say("فين نقدر نجدد البطاقة؟")
    assert said(asking.sent_notice(1), "ar") in amina.text

    org = chat.phone("+212600000032")
    await org.say("Salam")
    await org.choose("Français")
    org.locale = "fr"
    await org.choose(AGREE)
    await org.share_location(*PIN)
    await org.say("1")
    code = await invite(db, clock, chat.app.engine.store.gazetteer.at(*PIN).code)
    await org.say(f"ORG {code}")
    await org.say("menu")
    await org.choose(menu.MEETINGS)
    await org.choose(subscriptions.TOOLS)
    await org.choose(organizing.QUESTIONS)
    await org.choose("#1 · فين نقدر نجدد البطاقة؟")
    await org.say("À la commune, guichet 3.")
    await org.choose(answering.NO_SAVE)
    await chat.app.dispatcher.run_once()
    (pushed,) = [m for m in chat.fake.messages if m.get("To") == "whatsapp:+212600000031"]
    assert "À la commune, guichet 3." in pushed.get("Body", pushed.get("ContentVariables", ""))

    clock.advance(days=8)
    async with db.transaction() as tx:
        assert await tx.run(questions.close_quiet, clock()) == 1
    await amina.say("سؤال")
    assert "#1" not in amina.text, "closed after a quiet week: no longer listed"
    # A closed question cannot be claimed again.
    await org.say("menu")
    await org.choose(menu.MEETINGS)
    await org.choose(subscriptions.TOOLS)
    await org.choose(organizing.QUESTIONS)
    none = _("No resident's question is waiting for an answer.")
    assert said(none, "fr") in org.text


def test_a_lone_question_word_opens_asking_at_the_menu_only() -> None:
    from conversations.intents import Intent, request
    from conversations.words import Word, global_word

    # Mid-flow, a report's description or a consultation's answer may be just "question".
    for lone in ("question", "سؤال", "ⵙⵇⵙⴰⵜ", "demander"):
        assert global_word(lone) is None, lone
        found = request(lone)
        assert found is not None and found.intent is Intent.ASK, lone
    for phrase in ("poser une question", "بغيت نسول", "ask the association", "/ask"):
        assert global_word(phrase) is Word.ASK, phrase


SECRET = "Ma voisine Fatima Zahra au 12 rue X me bat"


async def test_an_erased_residents_follow_up_leaves_no_copy(
    sqlite_db: Database, gazetteer: Gazetteer, clock: Clock
) -> None:
    """Their words pushed to the organizer and shown in the organizer's thread go too."""
    engine = build_engine(sqlite_db, gazetteer, VAULT, clock, frozenset({ORGANIZER}))
    amina = FakeResident(engine, "amina")
    await onboard(amina, "fr")
    await amina.say("poser une question")
    await amina.say("Premiere question")
    org = FakeResident(engine, ORGANIZER.user)
    await onboard(org, "fr")
    await org.say("menu")
    for step in ("meetings", "organize", "questions", "q1"):
        await org.tap(step)
    await org.say("Reponse.")
    await org.tap("no")
    await amina.say("poser une question")
    await amina.tap("q1")
    await amina.say(SECRET)  # follow-up -> push to organizer
    # organizer opens it again: thread in their prompt
    await org.say("menu")
    for step in ("meetings", "organize", "questions", "q1"):
        await org.tap(step)
    async with sqlite_db.transaction() as tx:
        rid = await tx.run(
            lambda c: c.execute(
                select(RESIDENT.c.id).where(RESIDENT.c.user_id == "amina")
            ).scalar_one()
        )
        await tx.run(rights.erase, Subject(rid, Address("console", "amina")), clock())
    left = [d for d in await rows(sqlite_db, DELIVERY) if SECRET in d["body"]]
    shown = [
        c
        for c in await rows(sqlite_db, CONVERSATION)
        if SECRET in (c["prompt"] or "") + (c["data"] or "")
    ]
    assert left == [] and shown == []
