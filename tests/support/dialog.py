"""The setting of a dialog test: one resident on a channel of choice (the terminal, Telegram
behind its webhook, WhatsApp behind Twilio's signed webhook), the engine on a given database,
and what an organizer did beforehand (a petition opened)."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from sqlalchemy import Connection, Table, insert, select

from bot.app import App, build_engine
from bot.dispatcher import Dispatcher
from bot.i18n import translator
from bot.settings import Settings
from bot.voices import KeptVoices
from bot.web import web_app
from conversations.kit import Option
from conversations.petition import SigningOutcome
from conversations.text import Renderable
from handlers.console.lines import ConsoleFetcher
from handlers.telegram.channel import TelegramChannel
from handlers.telegram.pace import TelegramPace
from handlers.telegram.settings import TelegramSettings
from handlers.telegram.webhook import SECRET_HEADER, WEBHOOK_PATH
from storage import tally
from storage.database import Database, DatabaseURL
from storage.deliveries import DeliveryQueue
from storage.gazetteer import Gazetteer
from storage.models import PETITION, RESIDENT, Base
from storage.petitions import sign
from tests.fake_telegram import TOKEN, FakeTelegram
from tests.fake_twilio import running
from tests.resident import FakeResident
from tests.support.clock import Clock
from tests.support.users import User
from tests.support.vault import VAULT
from tests.telegram_user import TelegramUser
from tests.whatsapp_phone import whatsapp

CHANNELS = ("console", "telegram", "whatsapp")
SECRET = "s3cret_Token-for-dialogs"
SECRET_KEY = "test-secret-key-that-is-long-enough-for-hayna"
TELEGRAM_ID = 5012345678
PHONE = "+212600000001"


def label(text: Option | Renderable, locale: str = "fr") -> str:
    """An option's label, or any phrase, as a resident reads it in ``locale``."""
    return (text.label if isinstance(text, Option) else text).render(translator(locale))


@asynccontextmanager
async def resident_on(
    channel: str,
    db: Database,
    gazetteer: Gazetteer,
    clock: Clock,
    telegram: FakeTelegram | None = None,
) -> AsyncIterator[User]:
    """One resident on ``channel``, talking to the real engine on ``db`` through that channel's
    adapter; Telegram needs ``telegram``, a fake Bot API already listening."""
    if channel == "console":
        voices = KeptVoices(db, {"console": ConsoleFetcher()}, clock)
        yield FakeResident(build_engine(db, gazetteer, VAULT, clock, keeper=voices), "amina")
    elif channel == "telegram":
        assert telegram is not None, "Telegram needs its fake Bot API"
        async with _telegram(telegram, db, gazetteer, clock) as user:
            yield user
    elif channel == "whatsapp":
        async with running() as fake, whatsapp(fake, db, gazetteer, clock) as app:
            phone = app.phone(PHONE, "Amina")
            phone.locale = "fr"
            yield phone
    else:
        raise ValueError(f"no such channel: {channel}")


@asynccontextmanager
async def _telegram(
    fake: FakeTelegram, db: Database, gazetteer: Gazetteer, clock: Clock
) -> AsyncIterator[TelegramUser]:
    """A person on Telegram, whose updates reach the project's web app at its webhook."""
    settings = TelegramSettings(TOKEN, fake.url, SECRET)
    # Telegram's pace shortened, so that a dialog runs in a moment.
    pace = TelegramPace(rate=1000, private_interval=0.001, group_interval=0.001)
    channel = TelegramChannel(settings, translator, "https://hayna.example.org", pace)
    voices = KeptVoices(db, {"telegram": channel.fetcher}, clock)
    engine = build_engine(db, gazetteer, VAULT, clock, keeper=voices)
    dispatcher = Dispatcher(DeliveryQueue(db), {"telegram": channel.outbox}, translator, clock)
    app_settings = Settings(
        DatabaseURL.parse("sqlite:///unused.db"), SECRET_KEY, frozenset(), "WARNING", settings
    )
    web = web_app(App(app_settings, db, engine, dispatcher), [channel])
    await channel.start()
    update_ids = itertools.count(1)
    try:
        transport = httpx.ASGITransport(app=web)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:

            async def post(update: dict[str, Any]) -> None:
                body = {"update_id": next(update_ids), **update}
                headers = {SECRET_HEADER: SECRET}
                response = await client.post(WEBHOOK_PATH, json=body, headers=headers)
                assert response.status_code == 200, response.text

            yield TelegramUser(fake, post, TELEGRAM_ID, "Amina", "fr")
    finally:
        await channel.stop()


async def neighbour_signs(db: Database, clock: Clock, code: str) -> int:
    """A neighbour on WhatsApp signs the petition ``code``; returns their resident id."""
    now = clock()

    def signing(conn: Connection) -> int:
        key = conn.execute(
            insert(RESIDENT).values(
                channel="whatsapp", user_id="+212600000099", language="fr", created_at=now
            )
        ).inserted_primary_key
        assert key is not None
        cin = "XY111222"
        signed = sign(
            conn, code, int(key[0]), "Karim Idrissi", VAULT.key(cin), VAULT.seal(cin), now
        )
        assert signed.outcome is SigningOutcome.SIGNED, signed
        return int(key[0])

    async with db.transaction() as tx:
        return int(await tx.run(signing))


async def rows(db: Database, table: Table) -> list[dict[str, Any]]:
    """Every row of ``table``."""
    async with db.transaction() as tx:
        found = await tx.run(lambda conn: conn.execute(select(table)).all())
    return [dict(row._mapping) for row in found]


async def every_row(db: Database) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table, by table name."""
    return {table.name: await rows(db, table) for table in Base.metadata.sorted_tables}


async def signatures(db: Database, code: str) -> int:
    """A petition's count of signatures, as every reader of it is shown."""
    query = select(tally.SIGNATURES).where(PETITION.c.code == code)
    async with db.transaction() as tx:
        return int(await tx.run(lambda conn: conn.execute(query).scalar_one()))
