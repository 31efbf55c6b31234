"""An organizer hears a resident's voice note in the chat: under Organizer tools → Residents'
questions, a question with a voice note offers "Hear the voice notes", which sends each back as
a voice message — Telegram's sendVoice (AMR, which Telegram does not play, as a document),
WhatsApp's media fetched by Twilio at the files route, the terminal's file."""

from __future__ import annotations

from xml.etree import ElementTree

from bot.app import build_engine
from bot.i18n import translator
from bot.voices import KeptVoices
from conversations import answering, menu, organizing, subscriptions
from conversations.kit import Attachment, Outgoing
from handlers.console.lines import ConsoleFetcher
from handlers.telegram.channel import TelegramChannel
from handlers.telegram.inbound import Chat
from handlers.telegram.pace import TelegramPace
from handlers.telegram.settings import TelegramSettings
from storage.database import Database
from storage.gazetteer import Gazetteer
from tests.fake_telegram import TOKEN, FakeTelegram
from tests.fake_twilio import running
from tests.resident import FakeResident
from tests.support.clock import Clock
from tests.support.organizers import ORGANIZER
from tests.support.petitions import onboard
from tests.support.vault import VAULT
from tests.whatsapp_phone import PUBLIC, whatsapp

OGG = b"OggS\x00\x02" + b"where is the bus " * 50
AMR = b"#!AMR\n" + b"\x00" * 400


async def test_an_organizer_hears_a_questions_voice_note_in_the_chat(
    sqlite_db: Database, gazetteer: Gazetteer, clock: Clock
) -> None:
    voices = KeptVoices(sqlite_db, {"console": ConsoleFetcher()}, clock)
    engine = build_engine(sqlite_db, gazetteer, VAULT, clock, frozenset({ORGANIZER}), keeper=voices)
    amina = FakeResident(engine, "amina")
    await onboard(amina, "fr")
    await amina.say("menu")
    await amina.tap("ask")
    await amina.send_voice(OGG)
    org = FakeResident(engine, ORGANIZER.user)
    await onboard(org, "fr")
    for step in ("menu", "meetings", "organize", "questions", "q1"):
        await (org.say(step) if step == "menu" else org.tap(step))
    assert org.option_ids == ["hear", "back"]
    await org.tap("hear")
    (heard, asked) = org.last
    assert heard.attachment is not None and heard.attachment.data == OGG
    assert heard.attachment.content_type == "audio/ogg"
    assert heard.attachment.filename == "question-1-1.ogg"
    assert asked.options and asked.options[-1].id == "back", "the answer asked again"


async def test_telegram_sends_a_voice_note_as_a_voice_message(fake_telegram: FakeTelegram) -> None:
    settings = TelegramSettings(TOKEN, fake_telegram.url)
    fast = TelegramPace(rate=1000, private_interval=0.001, group_interval=0.001)
    channel = TelegramChannel(settings, translator, pace=fast)
    await channel.bot.initialize()
    try:
        chat = Chat(4242, True)
        ogg = Attachment("question-1-1.ogg", "audio/ogg", OGG)
        await channel.sender.reply(chat, Outgoing("Message vocal 1", attachment=ogg))
        amr = Attachment("question-1-2.amr", "audio/amr", AMR)
        await channel.sender.reply(chat, Outgoing("Message vocal 2", attachment=amr))
    finally:
        await channel.stop()
    [(voice, caption)] = fake_telegram.voices(4242)
    assert (voice.data, caption) == (OGG, None)
    [document] = fake_telegram.documents(4242)
    assert document.data == AMR and fake_telegram.violations == []


async def test_whatsapp_sends_a_voice_note_as_media_twilio_fetches(
    sqlite_db: Database, gazetteer: Gazetteer, clock: Clock
) -> None:
    admin = "+212600000042"
    async with (
        running() as fake,
        whatsapp(fake, sqlite_db, gazetteer, clock, HAYNA_ADMINS=f"whatsapp:{admin}") as chat,
    ):
        amina = chat.phone("+212600000007", "Amina")
        org = chat.phone(admin, "Leila")
        for phone in (amina, org):
            await phone.say("Salam")
            await phone.choose("Français")
            phone.locale = "fr"
            await phone.choose("J'accepte")
            await phone.say("Agadir")
            await phone.say("1")
        await amina.say("poser une question")
        await amina.send_voice(OGG)
        await org.say("menu")
        for option in (menu.MEETINGS, subscriptions.TOOLS, organizing.QUESTIONS, "#1"):
            await org.choose(option)
        response = await org.choose(answering.HEAR)
        (url,) = [m.text or "" for m in ElementTree.fromstring(response.text).iter("Media")]
        assert url.startswith(PUBLIC + "/files/")
        served = await chat.client.get(url.removeprefix(PUBLIC))
    assert (served.content, served.headers["content-type"]) == (OGG, "audio/ogg")
