"""A photo an organizer sends in the chat with an update: kept as its platform's reference, shown
in the preview, fetched by the dispatcher outside any transaction (Telegram getFile, Twilio's
MediaUrl with Basic auth), then sent like a photo from the command line; a photo that cannot be
had lets the text go alone."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.app import create_app
from bot.i18n import translator
from bot.media import GIVE_UP, WaitingPhotos
from bot.settings import Settings
from conversations import menu, onboarding, organizing, subscriptions
from conversations.engine import Engine
from conversations.kit import Media, MediaKind
from conversations.seams import TransientFailure
from handlers.telegram.channel import TelegramChannel
from handlers.telegram.fetcher import TelegramFetcher
from handlers.telegram.pace import TelegramPace
from handlers.telegram.settings import TelegramSettings
from handlers.whatsapp.fetcher import WhatsAppFetcher
from storage import media
from storage.announcements import expand_due
from storage.database import Database
from storage.models import ANNOUNCEMENT, DELIVERY, MEDIA
from tests.fake_telegram import TOKEN, FakeTelegram
from tests.fake_twilio import SID, running
from tests.fake_twilio import TOKEN as TWILIO_TOKEN
from tests.resident import FakeResident
from tests.support.clock import Clock
from tests.support.fetchers import ScriptedFetcher
from tests.support.organizers import invite
from tests.support.petitions import onboard
from tests.support.photos import JPEG
from tests.whatsapp_phone import whatsapp

PHOTO = Media(MediaKind.PHOTO, "AgADphoto", "image/jpeg", len(JPEG))


async def write_update(organizer: FakeResident, db: Database, clock: Clock) -> str:
    """An organizer of their commune writes an update with a photo and sends it now."""
    commune = await onboard(organizer, "fr")
    await organizer.say("menu")
    await organizer.say(f"ORG {await invite(db, clock, commune)}")
    await organizer.tap("broadcast")
    await organizer.send(media=(Media(MediaKind.VOICE, "v.ogg", "audio/ogg", 10),))
    assert "Seule une photo (JPEG, PNG ou WebP, 5 Mo au plus)" in organizer.text
    await organizer.send(media=(PHOTO,))
    assert "Photo ajoutée" in organizer.text and "Écrivez le message" in organizer.text
    await organizer.say("Nettoyage du quartier samedi.")
    await organizer.tap("continue")
    await organizer.tap(f"c:{commune}")
    assert "Nettoyage du quartier samedi.\nAvec une photo." in organizer.text
    await organizer.tap("now")
    assert "Le message n° 1 part maintenant" in organizer.text
    return commune


async def photo_columns(db: Database) -> tuple[str | None, str | None, int | None]:
    query = select(ANNOUNCEMENT.c.photo_channel, ANNOUNCEMENT.c.photo_ref, ANNOUNCEMENT.c.media_id)
    async with db.transaction() as tx:
        row = await tx.run(lambda c: c.execute(query).one())
    return row.photo_channel, row.photo_ref, row.media_id


async def test_a_photo_from_telegram_reaches_members_as_a_photo(
    tmp_path: Path, fake_telegram: FakeTelegram, clock: Clock
) -> None:
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'h.db'}",
        "HAYNA_SECRET_KEY": "k" * 40,
        # A test types faster than a person: flood control would rightly slow it down.
        "HAYNA_FLOOD_BURST": "100",
    }
    channel = TelegramChannel(
        TelegramSettings(TOKEN, fake_telegram.url), translator, pace=TelegramPace()
    )
    await channel.bot.initialize()
    app = await create_app(
        Settings.from_env(env),
        {"telegram": channel.outbox},
        clock,
        fetchers={"telegram": TelegramFetcher(channel.bot)},
    )
    try:
        fake_telegram.add_file(PHOTO.ref, JPEG)
        member = FakeResident(app.engine, "9002", channel="telegram")
        await onboard(member, "fr")
        organizer = FakeResident(app.engine, "9001", channel="telegram")
        await write_update(organizer, app.db, clock)
        assert await photo_columns(app.db) == ("telegram", PHOTO.ref, None)

        assert await app.dispatcher.run_once() == 2
    finally:
        await channel.stop()
        await app.close()
    for chat in (9001, 9002):
        [(upload, caption)] = fake_telegram.photos(chat)
        assert upload.data == JPEG and caption.endswith("\nNettoyage du quartier samedi.")


async def test_the_dispatcher_fetches_waits_and_gives_up_outside_any_transaction(
    engine: Engine, sqlite_db: Database, clock: Clock
) -> None:
    organizer = FakeResident(engine, "leila")
    await write_update(organizer, sqlite_db, clock)
    # The update waits for its photo: nothing is expanded while the channel cannot give it.
    fetcher = ScriptedFetcher({PHOTO.ref: TransientFailure("Telegram is slow")})
    photos = WaitingPhotos(sqlite_db, {"console": fetcher})
    assert await photos.fetch(clock()) == 0
    assert await expand_due(sqlite_db, clock()) == 0
    assert await photo_columns(sqlite_db) == ("console", PHOTO.ref, None)
    fetcher.answers[PHOTO.ref] = JPEG
    clock.advance(seconds=10)
    assert await photos.fetch(clock()) == 0 and len(fetcher.asked) == 1  # not tried again yet
    clock.advance(seconds=25)
    assert await photos.fetch(clock()) == 1 and len(fetcher.asked) == 2
    _channel, ref, media_id = await photo_columns(sqlite_db)
    assert ref is None and media_id is not None
    assert (await media.load(sqlite_db, [media_id]))[media_id].data == JPEG
    assert await expand_due(sqlite_db, clock()) == 1
    async with sqlite_db.transaction() as tx:
        rows = await tx.run(lambda c: list(c.execute(select(DELIVERY.c.media_id)).scalars()))
    assert rows == [media_id]


@pytest.mark.parametrize(
    ("answer", "later"),
    [
        (ValueError("the file is gone"), timedelta()),
        (b"%PDF-1.7 not a photo", timedelta()),
        (TransientFailure("still down"), GIVE_UP + timedelta(minutes=1)),
        (None, GIVE_UP + timedelta(minutes=1)),  # no process has the channel
    ],
)
async def test_a_photo_that_cannot_be_had_lets_the_text_go_alone(
    engine: Engine,
    sqlite_db: Database,
    clock: Clock,
    answer: bytes | Exception | None,
    later: timedelta,
) -> None:
    await write_update(FakeResident(engine, "leila"), sqlite_db, clock)
    clock.advance(seconds=later.total_seconds())
    fetchers = {} if answer is None else {"console": ScriptedFetcher({PHOTO.ref: answer})}
    assert await WaitingPhotos(sqlite_db, fetchers).fetch(clock()) == 1
    assert await photo_columns(sqlite_db) == (None, None, None)
    assert await expand_due(sqlite_db, clock()) == 1  # the text goes
    async with sqlite_db.transaction() as tx:
        stored = await tx.run(lambda c: c.execute(select(MEDIA.c.id)).all())
    assert stored == []


async def test_the_whatsapp_fetcher_uses_the_account_and_only_on_twilio() -> None:
    async with running() as twilio:
        url = twilio.add_media(JPEG)
        fetcher = WhatsAppFetcher(SID, TWILIO_TOKEN, twilio.url)
        stranger = WhatsAppFetcher(SID, "wrong-token", twilio.url)
        try:
            assert await fetcher.fetch(url, len(JPEG)) == JPEG  # through Twilio's redirect
            with pytest.raises(ValueError, match="more than"):
                await fetcher.fetch(url, len(JPEG) - 1)
            with pytest.raises(ValueError, match="401"):
                await stranger.fetch(url, len(JPEG))
            with pytest.raises(ValueError, match="404"):
                await fetcher.fetch(url[:-4] + "0000", len(JPEG))
            with pytest.raises(ValueError, match="not a media URL"):
                await fetcher.fetch("https://example.org/x.jpg", len(JPEG))
        finally:
            await fetcher.close()
            await stranger.close()


async def test_a_photo_from_whatsapp_is_fetched_from_twilio_with_the_account(
    sqlite_db: Database, gazetteer, clock: Clock
) -> None:
    number = "+212600000071"
    async with (
        running() as twilio,
        whatsapp(twilio, sqlite_db, gazetteer, clock, HAYNA_ADMINS=f"whatsapp:{number}") as chat,
    ):
        phone = chat.phone(number)
        await phone.say("Salam")
        await phone.choose("Français")
        phone.locale = "fr"
        await phone.choose(onboarding.AGREE)
        await phone.share_location(33.5570, -7.5850)
        await phone.say("1")
        await phone.choose(menu.MEETINGS)
        await phone.choose(subscriptions.TOOLS)
        await phone.choose(organizing.NEW)
        await phone.send_photo(twilio.add_media(JPEG))
        assert "Photo ajoutée" in phone.text
        await phone.say("Réunion publique jeudi à 18 h.")
        await phone.choose(organizing.CONTINUE)
        await phone.say("1")  # the whole commune
        assert "Avec une photo." in phone.text
        await phone.choose(organizing.NOW)

        photos = WaitingPhotos(sqlite_db, {"whatsapp": chat.channel.fetcher})
        assert await photos.fetch(clock()) == 1
    _channel, ref, media_id = await photo_columns(sqlite_db)
    assert ref is None and media_id is not None
    assert (await media.load(sqlite_db, [media_id]))[media_id].data == JPEG
