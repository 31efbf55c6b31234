"""Telegram's pace, measured against the fake Bot API on loopback: how fast queued pushes go out
(Telegram allows about 30 a second), how long a resident's answer waits behind such a queue,
and how fast the webhook takes updates in (stored and answered before its 200).

    .venv/bin/python -m bench.telegram [--pushes 300] [--replies 20] [--updates 500]
"""

from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):  # run as `python bench/telegram.py`: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse
import asyncio
import itertools
import tempfile
import time
from datetime import UTC, datetime

import httpx
from sqlalchemy import select

from bot.app import BATCH, SENDS_IN_FLIGHT, App, build_engine
from bot.dispatcher import Dispatcher
from bot.i18n import translator
from bot.settings import Settings
from bot.web import web_app
from conversations.kit import Address, Inbound, Outgoing
from conversations.text import Verbatim
from handlers.telegram.channel import TelegramChannel
from handlers.telegram.inbound import Chat
from handlers.telegram.settings import TelegramSettings
from handlers.telegram.webhook import SECRET_HEADER, WEBHOOK_PATH
from storage.database import Database, DatabaseURL
from storage.deliveries import DeliveryQueue
from storage.gazetteer import Gazetteer
from storage.models import RESIDENT
from storage.vault import Vault
from tests.fake_telegram import TOKEN, FakeTelegram

KEY = "bench-secret-key-that-is-long-enough-for-hayna"
SECRET = "bench-secret"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def pushes_and_replies(
    fake: FakeTelegram, db: Database, gazetteer: Gazetteer, pushes: int, replies: int
) -> list[tuple[str, str, str]]:
    now = datetime.now(UTC)
    engine = build_engine(db, gazetteer, Vault(KEY))
    for n in range(pushes):
        await engine.handle(Inbound(Address("telegram", str(10_000 + n)), f"b{n}", text="salam"))
    async with db.transaction() as tx:
        ids = await tx.run(lambda c: list(c.execute(select(RESIDENT.c.id)).scalars()))
    queue = DeliveryQueue(db)
    for resident in ids:
        await queue.enqueue("bench", resident, Verbatim("Réunion samedi").to_json(), now)
    channel = TelegramChannel(TelegramSettings(TOKEN, fake.url), translator)
    await channel.bot.initialize()
    # As `hayna serve` and `hayna poll` build it: several sends in flight, the pace decides.
    dispatcher = Dispatcher(
        queue, {"telegram": channel.outbox}, translator, concurrency=SENDS_IN_FLIGHT, batch=BATCH
    )
    began = time.monotonic()
    draining = asyncio.create_task(_drain(dispatcher))
    waits = []
    for n in range(replies):  # residents answered while the queue drains
        await asyncio.sleep(pushes / 30 / (replies + 1))
        asked = time.monotonic()
        await channel.sender.reply(Chat(90_000 + n, True), Outgoing("Merci", locale="fr"))
        waits.append((time.monotonic() - asked) * 1000)
    await draining
    took = time.monotonic() - began
    await channel.stop()
    sent = [c.at for c in fake.calls("sendMessage")]
    gaps = [(b - a) * 1000 for a, b in itertools.pairwise(sent)]
    return [
        ("pushes + replies sent", f"{len(sent):,}", f"{len(sent) / took:.1f} msg/s overall"),
        ("gap between sends", f"p50 {percentile(gaps, 0.5):.1f} ms", f"min {min(gaps):.1f} ms"),
        (
            "reply behind the queue",
            f"p50 {percentile(waits, 0.5):.0f} ms",
            f"p99 {percentile(waits, 0.99):.0f} ms",
        ),
    ]


async def _drain(dispatcher: Dispatcher) -> None:
    while await dispatcher.run_once(batch=50):
        pass


async def webhook(fake: FakeTelegram, db: Database, gazetteer: Gazetteer, updates: int) -> tuple:
    telegram = TelegramSettings(TOKEN, fake.url, SECRET)
    settings = Settings(DatabaseURL.parse("sqlite:///unused.db"), KEY, frozenset(), "ERROR")
    channel = TelegramChannel(telegram, translator, "https://bench.example.org")
    engine = build_engine(db, gazetteer, Vault(KEY))
    dispatcher = Dispatcher(DeliveryQueue(db), {}, translator)
    web = web_app(App(settings, db, engine, dispatcher), [channel])
    await channel.open()
    # Only the answer is timed here: the replies' sending is what the first table measures.
    channel.deliver = _nothing  # type: ignore[method-assign]
    timings: list[float] = []
    transport = httpx.ASGITransport(app=web)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:

        async def post(n: int) -> None:
            chat = 200_000 + n
            sender = {"id": chat, "is_bot": False, "first_name": "R", "language_code": "fr"}
            message = {"message_id": 1, "from": sender, "chat": {"id": chat, "type": "private"}}
            body = {"update_id": n, "message": {**message, "date": 0, "text": "salam"}}
            began = time.monotonic()
            response = await client.post(WEBHOOK_PATH, json=body, headers={SECRET_HEADER: SECRET})
            assert response.status_code == 200
            timings.append((time.monotonic() - began) * 1000)

        began = time.monotonic()
        for start in range(0, updates, 16):
            await asyncio.gather(*(post(n) for n in range(start, min(start + 16, updates))))
        took = time.monotonic() - began
    await channel.stop()
    return (
        "webhook updates to 200",
        f"{updates / took:,.0f} updates/s",
        f"p50 {percentile(timings, 0.5):.1f} ms, p99 {percentile(timings, 0.99):.1f} ms",
    )


async def _nothing(*_args: object) -> None:
    return None


async def main(pushes: int, replies: int, updates: int) -> None:
    gazetteer = Gazetteer.load()
    fake = FakeTelegram().start()
    rows: list[tuple[str, str, str]] = []
    try:
        with tempfile.TemporaryDirectory() as folder:
            for name, run in (("pace", 0), ("webhook", 1)):
                db = Database.open(f"sqlite:///{Path(folder) / name}.db")
                await db.upgrade()
                if run == 0:
                    rows += await pushes_and_replies(fake, db, gazetteer, pushes, replies)
                else:
                    rows.append(await webhook(fake, db, gazetteer, updates))
                await db.close()
    finally:
        fake.stop()
    print(f"{'what':<26}{'figure':<24}detail")
    for what, figure, detail in rows:
        print(f"{what:<26}{figure:<24}{detail}")
    if fake.violations:
        print("VIOLATIONS:", *fake.violations[:5], sep="\n  ")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pushes", type=int, default=300)
    parser.add_argument("--replies", type=int, default=20)
    parser.add_argument("--updates", type=int, default=500)
    args = parser.parse_args()
    asyncio.run(main(args.pushes, args.replies, args.updates))
