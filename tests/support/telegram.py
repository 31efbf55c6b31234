"""The project's web app serving the Telegram webhook on a test's database, and the updates the
tests post to it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx

from bot.app import App, build_engine
from bot.dispatcher import Dispatcher
from bot.i18n import translator
from bot.settings import Settings
from bot.web import web_app
from handlers.telegram.channel import TelegramChannel
from handlers.telegram.pace import TelegramPace
from handlers.telegram.settings import TelegramSettings
from storage.database import Database, DatabaseURL
from storage.deliveries import DeliveryQueue
from tests.fake_telegram import TOKEN, FakeTelegram
from tests.support.clock import Clock
from tests.support.vault import VAULT, VAULT_KEY

SECRET = "s3cret_Token-for-tests"
PUBLIC = "https://hayna.example.org"


def fast(_configured_rate: float = 0.0) -> TelegramPace:
    """Telegram's pace shortened, so dialog tests run in a moment (in place of the channel's
    own, whatever TELEGRAM_RATE says)."""
    return TelegramPace(rate=1000, private_interval=0.001, group_interval=0.001)


@asynccontextmanager
async def serving(
    db: Database, gazetteer, clock: Clock, fake_telegram: FakeTelegram
) -> AsyncIterator[tuple[httpx.AsyncClient, TelegramChannel]]:
    """The project's web app with the Telegram channel on ``db``, and a client posting to it."""
    telegram = TelegramSettings(TOKEN, fake_telegram.url, SECRET)
    settings = Settings(
        DatabaseURL.parse("sqlite:///unused.db"), VAULT_KEY, frozenset(), "WARNING", telegram
    )
    channel = TelegramChannel(telegram, translator, PUBLIC, fast())
    engine = build_engine(db, gazetteer, VAULT, clock)
    dispatcher = Dispatcher(DeliveryQueue(db), {"telegram": channel.outbox}, translator, clock)
    web = web_app(App(settings, db, engine, dispatcher), [channel])
    await channel.start()
    transport = httpx.ASGITransport(app=web)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield client, channel
    finally:
        await channel.stop()


def update(user_id: int = 5012345678, text: str = "salam", update_id: int = 9001) -> dict:
    chat = {"id": user_id, "first_name": "Amina", "type": "private"}
    sender = {"id": user_id, "is_bot": False, "first_name": "Amina", "language_code": "fr"}
    message = {"message_id": 1, "from": sender, "chat": chat, "date": 1764583200, "text": text}
    return {"update_id": update_id, "message": message}
