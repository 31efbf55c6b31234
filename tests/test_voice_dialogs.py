"""Voice prompts in the dialog, on the terminal, on Telegram and on WhatsApp: a resident chooses
"with voice" in the language menu and the menu then comes as its text, then its recording (a
voice message, an audio media message, a file the terminal names); the choice is kept until
changed; a voice note brings the offer once; a prompt not recorded goes as text, logged once;
and an organizer records one in the chat."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree

import pytest

from bot.app import build_engine
from bot.i18n import translator
from bot.prompt_fetch import WaitingPrompts
from bot.voices import KeptVoices
from conversations import onboarding
from conversations.audio import recording
from conversations.menu import HOME
from conversations.prompt_recording import ASK_VOICE, RECEIVED
from conversations.voice_choice import OFFER, TEXT_ONLY, VOICE_CHOSEN, VOICE_ON, WITH_VOICE
from handlers.console.lines import ConsoleFetcher
from storage import prompts
from storage.database import Database
from storage.gazetteer import Gazetteer
from storage.models import RESIDENT
from storage.prompts import SqlVoices
from tests.resident import FakeResident
from tests.support.audio import opus
from tests.support.cli import hayna
from tests.support.clock import Clock
from tests.support.dialog import label, rows
from tests.support.organizers import invite
from tests.support.petitions import onboard
from tests.support.users import User
from tests.support.vault import VAULT
from tests.telegram_user import TelegramUser
from tests.whatsapp_phone import Phone

PIN = (33.5570, -7.5850)  # Hay Ben M'Sick, Casablanca
FRENCH = translator("fr")


RECORDED = opus(3)


async def record(db: Database, clock: Clock, key: str, language: str) -> None:
    await prompts.add(db, key, language, RECORDED, recording(RECORDED), clock(), "test")


async def heard(user: User, act: Callable[[], Awaitable[object]]) -> list[str]:
    """The voice prompts the answer to ``act`` carried, by file name, each checked to come
    after the text of the answer."""
    if isinstance(user, TelegramUser):
        before = len(user.fake.calls())
        await act()
        sent = [c for c in user.fake.calls()[before:] if c.method in ("sendMessage", "sendVoice")]
        voices = [c.params["voice"].filename for c in sent if c.method == "sendVoice"]
        assert all(c.params["voice"].data == RECORDED for c in sent if c.method == "sendVoice")
        if voices:
            assert [c.method for c in sent[-2:]] == ["sendMessage", "sendVoice"]
        return voices
    answer = await act()
    if isinstance(user, Phone):
        messages = list(ElementTree.fromstring(answer.text).iter("Message"))  # type: ignore[attr-defined]
        urls = [media.text or "" for m in messages for media in m.iter("Media")]
        if urls:
            assert messages[-1].find("Media") is not None and messages[0].find("Media") is None
        for url in urls:
            # Twilio fetches it at the app's public link: the recording as stored, as audio.
            served = await user.whatsapp.client.get(urlsplit(url).path)
            assert served.status_code == 200 and served.headers["content-type"] == "audio/ogg"
            assert served.content == RECORDED
        return [url.rsplit("/", 1)[-1] for url in urls]
    assert isinstance(user, FakeResident)
    return [out.voice.filename for out in user.last if out.voice is not None]


async def test_with_voice_questions_come_as_text_then_audio_until_changed(
    user: User, sqlite_db: Database, gazetteer: Gazetteer, clock: Clock
) -> None:
    await record(sqlite_db, clock, "menu", "fr")
    await user.say("Salam")
    await user.choose("Français")
    await user.choose(label(onboarding.AGREE))
    await user.share_location(*PIN)
    assert await heard(user, lambda: user.choose(gazetteer.at(*PIN).name_fr)) == []

    await user.say("langue")
    assert await heard(user, lambda: user.choose(label(WITH_VOICE))) == ["menu-fr.ogg"]
    assert label(VOICE_CHOSEN) in "\n".join(user.replies)
    (resident,) = await rows(sqlite_db, RESIDENT)
    assert resident["voice"] is True

    # Kept: the menu asked again comes with its recording again.
    assert await heard(user, lambda: user.say("menu")) == ["menu-fr.ogg"]
    await user.say("langue")
    assert await heard(user, lambda: user.choose(label(TEXT_ONLY))) == []
    assert await heard(user, lambda: user.say("menu")) == []


async def test_a_voice_note_brings_the_offer_once(
    sqlite_db: Database, gazetteer: Gazetteer, clock: Clock
) -> None:
    amina = FakeResident(build_engine(sqlite_db, gazetteer, VAULT, clock), "amina")
    await onboard(amina, "fr")
    await amina.send_voice("before")
    assert OFFER.text.render(FRENCH) not in amina.texts, "no prompt in French yet: no offer"
    await amina.say("menu")

    await record(sqlite_db, clock, "report.category", "fr")
    karim = FakeResident(build_engine(sqlite_db, gazetteer, VAULT, clock), "karim")
    await onboard(karim, "fr")
    await karim.send_voice("first")  # at the menu: a report starts with it
    assert karim.option_ids == [VOICE_ON.id, "hayna.voice_off"]
    await karim.tap(VOICE_ON.id)
    assert karim.texts[0] == VOICE_CHOSEN.render(FRENCH)
    assert [out.prompt for out in karim.last] == ["", "report.category"]
    assert karim.last[-1].voice is not None, "the question asked again, now with its voice"
    await karim.say("menu")
    await karim.send_voice("second")
    assert VOICE_ON.id not in karim.option_ids, "offered once"


async def test_a_prompt_not_recorded_goes_as_text_logged_once(
    sqlite_db: Database, gazetteer: Gazetteer, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    await record(sqlite_db, clock, "menu", "fr")
    amina = FakeResident(build_engine(sqlite_db, gazetteer, VAULT, clock), "amina")
    await onboard(amina, "fr")
    await amina.say("langue")
    await amina.tap(WITH_VOICE.id)
    caplog.set_level(logging.INFO, "conversations.voicing")
    for _ in range(2):
        await amina.tap("report")
        assert amina.last[-1].prompt == "report.category" and amina.last[-1].voice is None
        await amina.say("menu")
        assert amina.last[-1].voice is not None
    missing = [r.getMessage() for r in caplog.records if r.name == "conversations.voicing"]
    assert missing == ["no voice prompt report.category in fr: sent as text alone"]


def test_the_terminal_names_the_recording_after_the_text(tmp_path: Path) -> None:
    note = tmp_path / "menu.ogg"
    note.write_bytes(opus(2))
    assert hayna(tmp_path, "db", "upgrade").returncode == 0
    assert hayna(tmp_path, "prompts", "add", "menu", "fr", str(note)).returncode == 0
    script = tmp_path / "voice.txt"
    script.write_text("Bonjour\n1\n/location 30.4205 -9.5981\n1\nlangue\n6\n", encoding="utf-8")
    result = hayna(tmp_path, "chat", "--script", str(script))
    assert result.returncode == 0, result.stderr
    shown = result.stdout.splitlines()
    (voiced,) = [n for n, line in enumerate(shown) if line.strip().startswith("🔊 ")]
    saved = Path(shown[voiced].strip().removeprefix("🔊 "))
    assert saved.name.endswith("menu-fr.ogg")
    assert (tmp_path / saved if not saved.is_absolute() else saved).read_bytes() == opus(2)
    assert voiced > max(n for n, line in enumerate(shown) if "?" in line), "after the text"


@pytest.mark.parametrize("kept", [False, True], ids=["fetched-later", "kept-on-arrival"])
async def test_an_organizer_records_a_prompt_in_the_chat(
    sqlite_db: Database, gazetteer: Gazetteer, clock: Clock, tmp_path: Path, kept: bool
) -> None:
    db = sqlite_db
    # As `create_app` builds it, voice notes are kept as they arrive: the prompt is read from
    # what was kept; without the keeper, fetched from the channel.
    keeper = KeptVoices(db, {"console": ConsoleFetcher()}, clock) if kept else None
    organizer = FakeResident(build_engine(db, gazetteer, VAULT, clock, keeper=keeper), "org")
    commune = await onboard(organizer, "fr")
    await organizer.say(f"ORG {await invite(db, clock, commune)}")
    await organizer.say("menu")
    await organizer.tap("meetings")
    await organizer.tap("organize")
    await organizer.tap("prompts")
    listed = organizer.option_ids
    assert listed[0] == "language" and "menu" in listed and listed[-1] == "back"
    await organizer.tap("menu")
    assert ASK_VOICE.render(FRENCH) in organizer.texts[-1]
    assert HOME.text.render(FRENCH) in organizer.texts[-1], "the text to read aloud"
    note = tmp_path / "note.ogg"
    note.write_bytes(opus(4))
    await organizer.send_voice(str(note))
    assert organizer.texts[0] == RECEIVED.render(FRENCH)
    assert "menu" not in organizer.option_ids, "no longer missing"

    assert await WaitingPrompts(db, {"console": ConsoleFetcher()}).fetch(clock()) == 1
    found = await SqlVoices(db).voice("menu", "fr")
    assert found is not None and found.data == opus(4)
    # With a prompt recorded in their language, the organizer's next recording is a prompt too:
    # no offer of voice, and the list of prompts still missing follows.
    await organizer.tap("privacy")
    await organizer.send_voice(str(note))
    assert organizer.texts[0] == RECEIVED.render(FRENCH)
    assert not any(OFFER.text.render(FRENCH) in text for text in organizer.texts)
    assert "commune" in organizer.option_ids and "privacy" not in organizer.option_ids
