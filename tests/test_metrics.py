"""Monitoring through the real app: `GET /metrics` counts messages, refusals and 429s on both
channels and reads the delivery table as it is; `GET /healthz` says whether the database answers
and which channels this process sends."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import func, select, update

from bot.app import App, build_engine
from bot.channels import configured_channels
from bot.dispatcher import Dispatcher
from bot.i18n import translator
from bot.web import web_app
from conversations.text import _
from handlers.metrics import Metrics
from handlers.telegram.channel import TelegramChannel
from handlers.telegram.webhook import SECRET_HEADER, WEBHOOK_PATH
from handlers.whatsapp.channel import WhatsAppChannel
from handlers.whatsapp.webhook import MESSAGES
from storage.database import Database
from storage.deliveries import DeliveryQueue
from storage.gazetteer import Gazetteer
from storage.models import DELIVERY, RESIDENT
from tests.fake_telegram import TOKEN, FakeTelegram
from tests.fake_twilio import running
from tests.support.clock import Clock
from tests.support.telegram import SECRET
from tests.support.telegram import update as telegram_update
from tests.support.vault import VAULT
from tests.whatsapp_phone import WhatsApp, settings_for

SCRAPER = "scraper-token-0123456789"
BEARER = {"Authorization": f"Bearer {SCRAPER}"}
Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


@dataclass
class Served:
    app: App
    client: httpx.AsyncClient
    telegram: TelegramChannel
    whatsapp: WhatsApp

    async def scrape(self) -> Samples:
        answer = await self.client.get("/metrics", headers=BEARER)
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"].startswith("text/plain")
        return {
            (sample.name, frozenset(sample.labels.items())): sample.value
            for family in text_string_to_metric_families(answer.text)
            for sample in family.samples
        }


@asynccontextmanager
async def serving(
    db: Database, gazetteer: Gazetteer, clock: Clock, fake_telegram: FakeTelegram, **env: str
) -> AsyncIterator[Served]:
    """Both channels as `hayna serve` builds them, counting into the app's metrics."""
    async with running() as fake_twilio:
        settings = settings_for(
            fake_twilio,
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_WEBHOOK_SECRET=SECRET,
            TELEGRAM_API_BASE_URL=fake_telegram.url,
            **env,
        )
        metrics = Metrics()
        telegram, whatsapp = configured_channels(settings, metrics)
        assert isinstance(telegram, TelegramChannel) and isinstance(whatsapp, WhatsAppChannel)
        outboxes = {"telegram": telegram.outbox, "whatsapp": whatsapp.outbox}
        dispatcher = Dispatcher(DeliveryQueue(db), outboxes, translator, clock)
        engine = build_engine(db, gazetteer, VAULT, clock)
        app = App(settings, db, engine, dispatcher, gazetteer, clock, metrics)
        await telegram.start()
        transport = httpx.ASGITransport(app=web_app(app, [telegram, whatsapp]))
        try:
            async with httpx.AsyncClient(transport=transport, base_url="http://10.0.0.5") as client:
                phone = WhatsApp(app, whatsapp, client, fake_twilio)
                yield Served(app, client, telegram, phone)
        finally:
            await telegram.stop()
            await whatsapp.stop()


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


async def chat_on_both(served: Served) -> None:
    """Two residents on each channel say salam."""
    for user in (5012345001, 5012345002):
        posted = await served.client.post(
            WEBHOOK_PATH,
            json=telegram_update(user, "salam", update_id=user),
            headers={SECRET_HEADER: SECRET},
        )
        assert posted.status_code == 200
    for number in ("+212600000101", "+212600000102"):
        await served.whatsapp.phone(number).send(Body="salam")


async def refuse_some(served: Served) -> None:
    """A forged Telegram update, an unsigned and an oversized WhatsApp form."""
    forged = await served.client.post(
        WEBHOOK_PATH, json=telegram_update(), headers={SECRET_HEADER: "not-the-secret"}
    )
    assert forged.status_code == 403
    unsigned = await served.whatsapp.post(MESSAGES, {"Body": "salam"}, signed=False)
    assert unsigned.status_code == 403
    huge = await served.client.post(MESSAGES, content=b"Body=" + b"x" * 70_000)
    assert huge.status_code == 413


async def test_metrics_count_messages_refusals_and_429s(
    db: Database, gazetteer: Gazetteer, clock: Clock, fake_telegram: FakeTelegram
) -> None:
    async with (
        asyncio.timeout(60),
        serving(db, gazetteer, clock, fake_telegram, HAYNA_METRICS_TOKEN=SCRAPER) as served,
    ):
        await chat_on_both(served)
        await refuse_some(served)
        samples = await served.scrape()
        for channel in ("telegram", "whatsapp"):
            assert value(samples, "hayna_messages_total", channel=channel) == 2
            assert value(samples, "hayna_answer_seconds_count", channel=channel) == 2
            assert value(samples, "hayna_answer_seconds_sum", channel=channel) > 0
        refusals = "hayna_webhook_refusals_total"
        assert value(samples, refusals, channel="telegram", reason="signature") == 1
        assert value(samples, refusals, channel="whatsapp", reason="signature") == 1
        assert value(samples, refusals, channel="whatsapp", reason="too_large") == 1

        # A push on each channel meets a 429; each is counted where the sender saw it.
        await queue_for_everyone(served.app.db, clock, "news")
        fake_telegram.fail("sendMessage", 429, retry_after=1)
        served.whatsapp.fake.fail(429, 20429, "1")
        await served.app.dispatcher.run_once()
        samples = await served.scrape()
        assert value(samples, "hayna_platform_429_total", channel="telegram") == 1
        assert value(samples, "hayna_platform_429_total", channel="whatsapp") == 1


async def queue_for_everyone(db: Database, clock: Clock, key: str) -> None:
    async with db.transaction() as tx:
        ids = await tx.run(lambda conn: conn.execute(select(RESIDENT.c.id)).scalars().all())
    queue = DeliveryQueue(db)
    for resident in ids:
        await queue.enqueue(key, resident, _("Notifications are on again.").to_json(), clock())


async def test_the_delivery_gauges_are_the_table_at_scrape_time(
    db: Database, gazetteer: Gazetteer, clock: Clock, fake_telegram: FakeTelegram
) -> None:
    async with (
        asyncio.timeout(60),
        serving(db, gazetteer, clock, fake_telegram, HAYNA_METRICS_TOKEN=SCRAPER) as served,
    ):
        await chat_on_both(served)
        await queue_for_everyone(db, clock, "first")
        clock.advance(seconds=90)
        await queue_for_everyone(db, clock, "second")
        async with db.transaction() as tx:
            # One of each end, as the dispatcher and Twilio's callbacks would leave them.
            firsts = select(DELIVERY.c.id).where(DELIVERY.c.message_key == "first")
            first = await tx.run(lambda conn: conn.execute(firsts).scalars().all())
            for row, state in zip(first, ("sent", "delivered", "read", "failed"), strict=True):
                await tx.run(
                    lambda conn, r=row, s=state: conn.execute(
                        update(DELIVERY).where(DELIVERY.c.id == r).values(status=s)
                    )
                )
        clock.advance(seconds=30)
        samples = await served.scrape()
        async with db.transaction() as tx:
            counted = select(DELIVERY.c.status, func.count()).group_by(DELIVERY.c.status)
            table = dict(await tx.run(lambda conn: conn.execute(counted).all()))
        assert table == {"pending": 4, "sent": 1, "delivered": 1, "read": 1, "failed": 1}
        for state in ("pending", "sent", "delivered", "read", "failed", "unreachable"):
            assert value(samples, "hayna_deliveries", state=state) == table.get(state, 0)
        for channel in ("telegram", "whatsapp"):
            # The "second" pushes, due 30 seconds ago; the "first" ones are done.
            assert value(samples, "hayna_delivery_queue", channel=channel) == 2
            oldest = value(samples, "hayna_delivery_queue_oldest_seconds", channel=channel)
            assert oldest == 30

        async with db.transaction() as tx:
            await tx.run(lambda conn: conn.execute(update(DELIVERY).values(status="sent")))
        samples = await served.scrape()
        # An emptied queue shows 0 rather than its last value.
        assert value(samples, "hayna_delivery_queue", channel="telegram") == 0
        assert ("hayna_delivery_queue", frozenset({("channel", "telegram")})) in samples


async def test_metrics_need_the_token_and_the_setting(
    db: Database, gazetteer: Gazetteer, clock: Clock, fake_telegram: FakeTelegram
) -> None:
    async with (
        asyncio.timeout(60),
        serving(db, gazetteer, clock, fake_telegram, HAYNA_METRICS_TOKEN=SCRAPER) as served,
    ):
        assert (await served.client.get("/metrics")).status_code == 401
        wrong = {"Authorization": "Bearer not-the-scraper-token"}
        refused = await served.client.get("/metrics", headers=wrong)
        assert refused.status_code == 401 and refused.headers["www-authenticate"] == "Bearer"
        samples = await served.scrape()
        assert (
            value(samples, "hayna_webhook_refusals_total", channel="metrics", reason="signature")
            == 2
        )
    async with asyncio.timeout(60), serving(db, gazetteer, clock, fake_telegram) as served:
        assert (await served.client.get("/metrics", headers=BEARER)).status_code == 404


async def test_healthz_says_the_database_and_the_senders(
    db: Database, gazetteer: Gazetteer, clock: Clock, fake_telegram: FakeTelegram
) -> None:
    async with asyncio.timeout(60), serving(db, gazetteer, clock, fake_telegram) as served:
        app = served.app
        idle = await served.client.get("/healthz")
        assert idle.status_code == 200
        assert idle.json() == {
            "status": "ok",
            "database": True,
            "channels": ["telegram", "whatsapp"],
            "senders": {"telegram": False, "whatsapp": False},
        }
        stop = asyncio.Event()
        running_dispatcher = asyncio.create_task(app.dispatcher.run(stop, idle=0.05))
        await asyncio.sleep(0.1)
        sending = await served.client.get("/healthz")
        assert sending.json()["senders"] == {"telegram": True, "whatsapp": True}
        stop.set()
        await running_dispatcher
        # A database server that refuses connections.
        app.db = Database.open("postgresql://hayna@127.0.0.1:1/hayna")
        try:
            down = await served.client.get("/healthz")
        finally:
            await app.db.close()
            app.db = db
        assert down.status_code == 503
        assert down.json()["database"] is False
