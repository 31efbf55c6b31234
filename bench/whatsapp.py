"""How fast the WhatsApp webhook answers (Twilio gives up after 15 s) and how fast pushes go out.

Residents go through onboarding and the menu with signed webhook requests over loopback HTTP to
`hayna serve`'s app under uvicorn, on a fresh SQLite file; then notices queued for all of them
go out through the dispatcher to a fake Twilio on 127.0.0.1, at the sender's pace.

    .venv/bin/python -m bench.whatsapp [--residents 200] [--concurrency 16] [--rate 80]
"""

from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):  # run as `python bench/whatsapp.py`: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse
import asyncio
import secrets
import socket
import statistics
import tempfile
import time

import httpx
import uvicorn
from sqlalchemy import select

from bot.app import BATCH, SENDS_IN_FLIGHT, App, build_engine
from bot.dispatcher import Dispatcher
from bot.i18n import translator
from bot.web import web_app
from conversations.phrases import RESUMED
from handlers.whatsapp.channel import WhatsAppChannel
from handlers.whatsapp.settings import WhatsAppSettings
from handlers.whatsapp.webhook import MESSAGES
from storage.database import Database
from storage.deliveries import DeliveryQueue
from storage.gazetteer import Gazetteer
from storage.models import RESIDENT
from storage.vault import Vault
from tests.fake_twilio import SID, running
from tests.whatsapp_phone import PUBLIC, SENDER, TEMPLATES, settings_for, sign

# Greeting, French, consent, a commune typed and chosen, the menu, help, its word, the menu.
DIALOG = ("Salam", "2", "1", "Agadir", "1", "menu", "6", "aide", "menu")
TWILIO_LIMIT_MS = 15_000


async def serve(app: App, channel: WhatsAppChannel) -> tuple[uvicorn.Server, str]:
    """The app under uvicorn as `hayna serve` runs it (uvicorn binds the port itself)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(
        web_app(app, [channel]), host="127.0.0.1", port=port, log_level="warning", lifespan="off"
    )
    server = uvicorn.Server(config)
    asyncio.get_running_loop().create_task(server.serve())
    while not server.started:  # noqa: ASYNC110  uvicorn has no event for it
        await asyncio.sleep(0.01)
    return server, f"http://127.0.0.1:{port}"


async def main(residents: int, concurrency: int, rate: int, latency: float) -> None:
    async with running() as fake:
        fake.latency = latency
        settings = settings_for(fake, WHATSAPP_RATE=str(rate))
        assert isinstance(settings.whatsapp, WhatsAppSettings)
        channel = WhatsAppChannel(settings.whatsapp, PUBLIC)
        with tempfile.TemporaryDirectory(prefix="hayna-bench-") as tmp:
            db = Database.open(f"sqlite:///{tmp}/bench.db")
            await db.upgrade()
            engine = build_engine(db, Gazetteer.load(), Vault(secrets.token_urlsafe(48)))
            queue = DeliveryQueue(db)
            # As `hayna serve` builds it: several sends in flight, the sender's pace decides.
            dispatcher = Dispatcher(
                queue,
                {"whatsapp": channel.outbox},
                translator,
                concurrency=SENDS_IN_FLIGHT,
                batch=BATCH,
            )
            app = App(settings, db, engine, dispatcher)
            server, url = await serve(app, channel)
            latencies: list[float] = []
            gate = asyncio.Semaphore(concurrency)

            async def resident(client: httpx.AsyncClient, i: int) -> None:
                async with gate:
                    for k, text in enumerate(DIALOG):
                        form = {
                            "MessageSid": f"SM{i:016x}{k:016x}",
                            "AccountSid": SID,
                            "From": f"whatsapp:+2126{i:08d}",
                            "To": SENDER,
                            "Body": text,
                            "NumMedia": "0",
                        }
                        headers = {"X-Twilio-Signature": sign(PUBLIC + MESSAGES, form)}
                        started = time.perf_counter()
                        answer = await client.post(url + MESSAGES, data=form, headers=headers)
                        latencies.append((time.perf_counter() - started) * 1000)
                        assert answer.status_code == 200 and "<Message>" in answer.text

            began = time.perf_counter()
            limits = httpx.Limits(max_connections=concurrency)
            async with httpx.AsyncClient(limits=limits, timeout=30) as client:
                await asyncio.gather(*(resident(client, i) for i in range(residents)))
            webhook_seconds = time.perf_counter() - began

            async with db.transaction() as tx:
                ids = await tx.run(lambda c: list(c.execute(select(RESIDENT.c.id)).scalars()))
            for rid in ids:
                await queue.enqueue("bench", rid, RESUMED.to_json(), dispatcher.clock())
            began = time.perf_counter()
            while await dispatcher.run_once(batch=100):
                pass
            push_seconds = time.perf_counter() - began
            assert len(fake.messages) == len(ids) and TEMPLATES

            server.should_exit = True
            await channel.stop()
            await db.close()

    latencies.sort()
    p50, p99 = statistics.median(latencies), latencies[int(len(latencies) * 0.99) - 1]
    print(f"{'what':<40}{'count':>8}{'per s':>9}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    print(
        f"{'signed webhooks, TwiML answers, SQLite':<40}{len(latencies):>8,}"
        f"{len(latencies) / webhook_seconds:>9,.0f}{p50:>9.1f}{p99:>9.1f}{latencies[-1]:>9.1f}"
    )
    pushes = f"pushes, pace {rate}/s, API {latency * 1000:.0f} ms"
    print(f"{pushes:<40}{len(ids):>8,}{len(ids) / push_seconds:>9,.1f}")
    verdict = "MET" if latencies[-1] < TWILIO_LIMIT_MS / 10 else "NOT MET"
    print(f"every answer within 1.5 s (a tenth of Twilio's 15 s): {verdict}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--rate", type=int, default=80)
    parser.add_argument(
        "--latency", type=float, default=0.15, help="seconds the fake API takes to answer"
    )
    args = parser.parse_args()
    asyncio.run(main(args.residents, args.concurrency, args.rate, args.latency))
