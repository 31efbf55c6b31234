"""An organizer's update with a photo, end to end: `hayna broadcast send --photo` stores it once,
Telegram members get it by sendPhoto with the text as caption, WhatsApp members inside the
24-hour window get a MediaUrl serving the exact bytes, those outside it the text template alone."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Collection, Mapping
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from sqlalchemy import delete, func, select, update

from bot.app import create_app
from bot.dispatcher import Dispatcher
from bot.i18n import translator
from bot.media import MediaLinks
from bot.web import web_app
from conversations.groups import Audience
from conversations.kit import Address, Attachment, Inbound, Outgoing
from conversations.seams import Push
from conversations.text import Verbatim
from handlers.console.lines import ConsoleOutbox
from handlers.pacing import Pace
from handlers.telegram.channel import TelegramChannel
from handlers.telegram.pace import TelegramPace
from handlers.telegram.settings import TelegramSettings
from handlers.whatsapp.outbox import Sender, WhatsAppOutbox
from storage import announcements, media
from storage.announcements import Kind, expand_due
from storage.database import Database
from storage.deliveries import DeliveryQueue
from storage.models import ANNOUNCEMENT, DELIVERY, MEDIA, RESIDENT
from tests.fake_telegram import TOKEN, FakeTelegram
from tests.fake_twilio import SID, running
from tests.fake_twilio import TOKEN as TWILIO_TOKEN
from tests.support.announcements import add_residents
from tests.support.cli import run
from tests.support.clock import Clock
from tests.support.photos import JPEG
from tests.whatsapp_phone import PUBLIC, SENDER, TEMPLATES, settings_for

TEXT = "Nettoyage du quartier samedi à 9 h, place de la mosquée."
COMMUNE = "141.01.61"
TELEGRAM_CHAT = "5001"
INSIDE, OUTSIDE = "+212600000031", "+212600000032"


def cli(tmp_path: Path, *args: str, **env: str) -> tuple[int, str]:
    """`hayna ...` in this process (it runs its own event loop, so async tests call it in a
    thread); its exit code and what it said on standard error."""
    ran = run(tmp_path, *args, **env)
    return ran.returncode, ran.stderr


async def test_a_cli_update_with_a_photo_reaches_telegram_and_whatsapp(
    tmp_path: Path,
    fake_telegram: FakeTelegram,
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = Clock()
    clock.now = datetime.now(UTC)
    database = f"sqlite:///{tmp_path / 'hayna.db'}"
    async with running() as twilio:
        settings = settings_for(twilio, DATABASE_URL=database)
        channel = TelegramChannel(
            TelegramSettings(TOKEN, fake_telegram.url), translator, pace=TelegramPace()
        )
        await channel.bot.initialize()
        sender = Sender(SID, TWILIO_TOKEN, SENDER, twilio.url, PUBLIC + "/status", TEMPLATES)
        whatsapp = WhatsAppOutbox(sender, Pace(80), clock=clock)
        app = await create_app(settings, {"telegram": channel.outbox, "whatsapp": whatsapp}, clock)
        try:
            # Three members of the commune: one on Telegram, two on WhatsApp, one of whom last
            # wrote 25 hours before the update goes.
            for n, address in enumerate(
                [Address("whatsapp", OUTSIDE), Address("telegram", TELEGRAM_CHAT)]
            ):
                await app.engine.handle(Inbound(address, f"m{n}", text="salam"))
            clock.advance(hours=25)
            await app.engine.handle(Inbound(Address("whatsapp", INSIDE), "m3", text="salam"))
            async with app.db.transaction() as tx:
                await tx.run(
                    lambda c: c.execute(
                        update(RESIDENT).values(commune_code=COMMUNE, language="fr")
                    )
                )
            photo = tmp_path / "quartier.jpg"
            photo.write_bytes(JPEG)

            code, said = await asyncio.to_thread(
                cli, tmp_path, "broadcast", "send", "--commune", COMMUNE, "--text", f"fr={TEXT}",
                "--photo", str(photo), DATABASE_URL=database, HAYNA_SECRET_KEY=settings.secret_key,
            )  # fmt: skip
            assert code == 0, said
            assert "3 recipients, with a photo" in said

            caplog.set_level(logging.INFO, logger="handlers.whatsapp.outbox")
            assert await app.dispatcher.run_once() == 3
        finally:
            await channel.stop()
            await whatsapp.close()

        async with app.db.transaction() as tx:
            stored = await tx.run(lambda c: c.execute(select(func.count()).select_from(MEDIA)))
            statuses = await tx.run(lambda c: list(c.execute(select(DELIVERY.c.status)).scalars()))
        assert stored.scalar_one() == 1  # once, whatever the audience
        assert statuses == ["sent"] * 3

        # Telegram: one sendPhoto, the text as its caption, no separate message.
        [(upload, caption)] = fake_telegram.photos(int(TELEGRAM_CHAT))
        assert upload.data == JPEG and caption.splitlines()[1:] == [TEXT]
        assert caption.startswith("📢 Message des organisateurs de ")
        assert fake_telegram.messages(int(TELEGRAM_CHAT)) == []

        by_number = {m["To"].removeprefix("whatsapp:"): m for m in twilio.messages}
        inside, outside = by_number[INSIDE], by_number[OUTSIDE]
        assert inside["Body"].splitlines()[1:] == [TEXT]
        assert inside["MediaUrl"].startswith(PUBLIC + "/media/")
        assert outside["ContentSid"] == TEMPLATES["fr"] and "MediaUrl" not in outside
        noted = [r for r in caplog.records if "without its photo" in r.getMessage()]
        assert len(noted) == 1

        # What Twilio fetches at the MediaUrl: the exact bytes, as a JPEG, never cached.
        transport = httpx.ASGITransport(app=web_app(app, []))
        async with httpx.AsyncClient(transport=transport, base_url="http://10.0.0.5") as client:
            served = await client.get(inside["MediaUrl"].removeprefix(PUBLIC))
            assert served.status_code == 200 and served.content == JPEG
            assert served.headers["content-type"] == "image/jpeg"
            assert served.headers["cache-control"] == "no-store"
            token = inside["MediaUrl"].rsplit("/", 1)[1]
            number, mac = token.split("-")
            for forged in (f"{int(number) + 1}-{mac}", f"{number}-{'0' * len(mac)}", number, "x"):
                assert (await client.get(f"/media/{forged}")).status_code == 404, forged
        await app.close()


def test_a_file_that_is_not_a_photo_is_refused_clearly(tmp_path: Path) -> None:
    def hayna(*args: str) -> tuple[int, str]:
        return cli(tmp_path, *args, HAYNA_SECRET_KEY="k" * 40)

    send = ("broadcast", "send", "--commune", COMMUNE, "--text", "fr=Bonjour", "--photo")
    pdf = tmp_path / "affiche.jpg"  # the name lies; the first bytes do not
    pdf.write_bytes(b"%PDF-1.7\n" + b"x" * 100)
    code, said = hayna(*send, str(pdf))
    assert code == 2 and "not a JPEG, PNG or WebP photo (it looks like application/pdf)" in said
    big = tmp_path / "big.png"
    big.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * (5 * 1024 * 1024))
    code, said = hayna(*send, str(big))
    assert code == 2 and "at most 5 MB" in said
    code, said = hayna(*send, str(tmp_path / "missing.jpg"))
    assert code == 2 and "cannot read it" in said
    # Nothing was planned by any of them.
    code, said = hayna("broadcast", "report", "1")
    assert code == 2 and "there is no update 1" in said


class Recorder:
    """An outbox keeping every push it is handed."""

    channel = "console"

    def __init__(self) -> None:
        self.pushes: list[Push] = []

    async def send(self, push: Push) -> str | None:
        self.pushes.append(push)
        return None


async def test_a_batch_reads_its_photo_once_and_a_deleted_photo_leaves_the_text(
    db: Database, clock: Clock
) -> None:
    await add_residents(db, clock, 30)
    async with db.transaction() as tx:
        photo = await tx.run(media.store, "a.png", "image/png", b"\x89PNG\r\n\x1a\nabc", clock())
        again = await tx.run(media.store, "a.png", "image/png", b"\x89PNG\r\n\x1a\nabc", clock())
        body = Verbatim("Réunion ce soir").to_json()
        audience = Audience(COMMUNE)
        with_photo = await tx.run(
            announcements.create, Kind.BROADCAST, audience, body, clock(), "t", clock(), None, photo
        )
    assert again == photo  # the same bytes are kept once
    assert await expand_due(db, clock()) == 30

    loads: list[set[int]] = []
    links = MediaLinks(db, "s" * 40, PUBLIC)

    async def photos(ids: Collection[int]) -> Mapping[int, Attachment]:
        loads.append(set(ids))
        return await links.photos(ids)

    outbox = Recorder()
    dispatcher = Dispatcher(
        DeliveryQueue(db), {"console": outbox}, translator, clock, photos=photos
    )
    assert await dispatcher.run_once(batch=20) == 20
    assert loads == [{photo}]  # one read for the whole batch, not one per row
    sent = [p.message.attachment for p in outbox.pushes]
    assert all(a is not None and a.data.endswith(b"abc") for a in sent)
    assert {a.url for a in sent if a} == {links.url(photo)}

    # The photo deleted before the rest went: its rows lose it, the text still goes.
    async with db.transaction() as tx:
        await tx.run(lambda c: c.execute(delete(MEDIA).where(MEDIA.c.id == photo)))
        left = await tx.run(
            lambda c: c.execute(
                select(ANNOUNCEMENT.c.media_id).where(ANNOUNCEMENT.c.id == with_photo)
            ).scalar()
        )
    assert left is None
    outbox.pushes.clear()
    assert await dispatcher.run_once(batch=20) == 10
    assert [p.message.attachment for p in outbox.pushes] == [None] * 10
    assert loads == [{photo}]


async def test_telegram_sends_a_long_text_after_its_photo(fake_telegram: FakeTelegram) -> None:
    channel = TelegramChannel(
        TelegramSettings(TOKEN, fake_telegram.url), translator, pace=TelegramPace()
    )
    await channel.bot.initialize()
    photo = Attachment("a.jpg", "image/jpeg", JPEG)
    long = "Ordre du jour. " * 100  # 1,500 characters: more than a caption holds
    try:
        await channel.outbox.send(Push(Address("telegram", "42"), Outgoing(long, attachment=photo)))
        await channel.outbox.send(
            Push(Address("telegram", "43"), Outgoing("Court", attachment=photo))
        )
    finally:
        await channel.stop()
    assert [(u.data, c) for u, c in fake_telegram.photos(42)] == [(JPEG, None)]
    assert [m["text"] for m in fake_telegram.messages(42)] == [long]
    assert [c for _u, c in fake_telegram.photos(43)] == ["Court"]
    assert fake_telegram.messages(43) == [] and fake_telegram.documents() == []
    methods = [c.method for c in fake_telegram.calls() if c.params.get("chat_id") == "42"]
    assert methods == ["sendPhoto", "sendMessage"]  # the photo first, then what it illustrates


async def test_the_console_shows_the_photo_by_name_and_size() -> None:
    lines: list[str] = []
    photo = Attachment("quartier.jpg", "image/jpeg", b"\xff\xd8\xff" + b"x" * 2045)
    await ConsoleOutbox(lines.append).send(
        Push(Address("console", "me"), Outgoing("Nettoyage samedi", attachment=photo))
    )
    assert lines == ["🔔 [me] Nettoyage samedi", "📎 quartier.jpg (2.0 KB)"]


async def test_whatsapp_sends_the_text_alone_when_it_cannot_show_the_photo(
    clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="handlers.whatsapp.outbox")
    webp = Attachment("a.webp", "image/webp", b"RIFF\0\0\0\0WEBPVP8 ", PUBLIC + "/media/1-x")
    unlinked = Attachment("b.png", "image/png", b"\x89PNG\r\n\x1a\n")
    async with running() as twilio:
        sender = Sender(SID, TWILIO_TOKEN, SENDER, twilio.url, PUBLIC + "/status", TEMPLATES)
        outbox = WhatsAppOutbox(sender, Pace(80), clock=clock)
        try:
            for n, photo in enumerate((webp, webp, unlinked, unlinked)):
                message = Outgoing("Salam", locale="fr", attachment=photo)
                await outbox.send(Push(Address("whatsapp", f"+21260000005{n}"), message, clock()))
        finally:
            await outbox.close()
    assert [m["Body"] for m in twilio.messages] == ["Salam"] * 4
    assert not any("MediaUrl" in m for m in twilio.messages)
    noted = [r.getMessage() for r in caplog.records if "without its photo" in r.getMessage()]
    assert len(noted) == 2 and "sticker" in noted[0] and "PUBLIC_BASE_URL" in noted[1]


async def test_a_photo_telegram_refuses_goes_as_a_document_with_its_caption(
    fake_telegram: FakeTelegram,
) -> None:
    channel = TelegramChannel(
        TelegramSettings(TOKEN, fake_telegram.url), translator, pace=TelegramPace()
    )
    await channel.bot.initialize()
    fake_telegram.fail("sendPhoto", 400, description="Bad Request: PHOTO_INVALID_DIMENSIONS")
    photo = Attachment("panorama.jpg", "image/jpeg", JPEG)
    try:
        sent = await channel.outbox.send(
            Push(Address("telegram", "44"), Outgoing("Vue du quartier", attachment=photo))
        )
    finally:
        await channel.stop()
    [document] = fake_telegram.documents(44)
    assert document.data == JPEG and document.filename == "panorama.jpg"
    caption = [c.params.get("caption") for c in fake_telegram.calls("sendDocument")]
    assert caption == ["Vue du quartier"] and sent is not None
