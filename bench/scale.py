"""How Hayna answers with more web processes: 1, 2 and 4 `hayna serve --role web` on one PostgreSQL
database, behind a round-robin of signed WhatsApp webhooks.

For each count, a fresh database; residents go through onboarding and the menu (the dialog of
bench/whatsapp.py), each message to the next process in turn, so that one resident's messages
cross processes as they would behind a load balancer (conversation state, inbox, flood buckets
all shared in the database). Printed: messages a second and each message's p50 and p99 answer
time, with the machine's core count (client, processes and PostgreSQL share them).

    .venv/bin/python -m bench.scale [--processes 1,2,4] [--residents 200] [--concurrency 32]
                                   [--database postgresql://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):  # run as `python bench/scale.py`: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse
import asyncio
import itertools
import os
import statistics
import subprocess
import tempfile
import time
import uuid

import asyncpg
import httpx
from sqlalchemy.engine import make_url

from bench.whatsapp import DIALOG
from handlers.whatsapp.webhook import MESSAGES
from storage.database import Database
from tests.fake_twilio import SID, TOKEN, running
from tests.support.ports import free_port
from tests.whatsapp_phone import PUBLIC, SENDER, TEMPLATES, sign

ROOT = Path(__file__).resolve().parent.parent
KEY = "bench-secret-key-that-is-long-enough-for-hayna"


async def _admin(admin_url: str, sql: str) -> None:
    """Run ``sql`` on the server of ``admin_url``, through its database."""
    url = make_url(admin_url)
    conn = await asyncpg.connect(
        host=url.host, port=url.port or 5432, user=url.username, database=url.database
    )
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


async def fresh_database(admin_url: str) -> tuple[str, str]:
    """A new database beside ``admin_url``'s, upgraded; its URL and name."""
    name = f"hayna_scale_{uuid.uuid4().hex[:8]}"
    await _admin(admin_url, f'CREATE DATABASE "{name}"')
    made = make_url(admin_url).set(database=name).render_as_string(False)
    db = Database.open(made)
    await db.upgrade()
    await db.close()
    return made, name


async def drop_database(admin_url: str, name: str) -> None:
    await _admin(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def start(url: str, twilio: str, folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("HAYNA_", "DATABASE_URL"))},
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": url,
        "HAYNA_SECRET_KEY": KEY,
        "PORT": str(port),
        "PUBLIC_BASE_URL": PUBLIC,
        "TWILIO_ACCOUNT_SID": SID,
        "TWILIO_AUTH_TOKEN": TOKEN,
        "TWILIO_WHATSAPP_FROM": SENDER,
        "TWILIO_API_BASE_URL": twilio,
        "TWILIO_TEMPLATES": ",".join(f"{k}:{v}" for k, v in TEMPLATES.items()),
        # The residents here are scripted, and quick: flood control is another benchmark's.
        "HAYNA_FLOOD_BURST": "1000",
    }
    command = [sys.executable, "-m", "bot.cli", "serve", "--role", "web"]
    served = subprocess.Popen(command, cwd=folder, env=env, stderr=subprocess.DEVNULL)
    return served, f"http://127.0.0.1:{port}"


async def ready(client: httpx.AsyncClient, base: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if (await client.get(f"{base}/healthz")).status_code == 200:
                return
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.1)
    raise SystemExit(f"hayna serve at {base} did not answer in 30 s")


async def converse(bases: list[str], residents: int, concurrency: int) -> tuple[float, list[float]]:
    """Every resident's dialog, ``concurrency`` residents at once; the wall time and each
    message's answer time in milliseconds."""
    turn = itertools.count()
    latencies: list[float] = []
    slots = asyncio.Semaphore(concurrency)
    limits = httpx.Limits(max_connections=concurrency * 2)
    async with httpx.AsyncClient(timeout=30, limits=limits) as client:

        async def resident(i: int) -> None:
            async with slots:
                for n, text in enumerate(DIALOG):
                    sid = f"SM{i:016x}{n:016x}"
                    form = {
                        "MessageSid": sid,
                        "SmsMessageSid": sid,
                        "AccountSid": SID,
                        "From": f"whatsapp:+2126{i:08d}",
                        "To": SENDER,
                        "Body": text,
                        "NumMedia": "0",
                        "WaId": f"2126{i:08d}",
                        "ApiVersion": "2010-04-01",
                    }
                    headers = {"X-Twilio-Signature": sign(PUBLIC + MESSAGES, form)}
                    base = bases[next(turn) % len(bases)]
                    began = time.perf_counter()
                    answer = await client.post(base + MESSAGES, data=form, headers=headers)
                    latencies.append((time.perf_counter() - began) * 1000)
                    if answer.status_code != 200 or "<Message>" not in answer.text:
                        raise SystemExit(f"message {n} of resident {i}: {answer.status_code}")

        began = time.perf_counter()
        await asyncio.gather(*(resident(i) for i in range(residents)))
        return time.perf_counter() - began, latencies


async def one_count(admin_url: str, processes: int, residents: int, concurrency: int) -> str:
    url, name = await fresh_database(admin_url)
    served: list[subprocess.Popen[bytes]] = []
    try:
        async with running() as twilio, httpx.AsyncClient() as client:
            with tempfile.TemporaryDirectory() as folder:
                for _ in range(processes):
                    served.append(start(url, twilio.url, Path(folder)))
                bases = [base for _process, base in served]
                for base in bases:
                    await ready(client, base)
                wall, latencies = await converse(bases, residents, concurrency)
    finally:
        for process, _base in served:
            process.terminate()
            process.wait(timeout=10)
        await drop_database(admin_url, name)
    rate = len(latencies) / wall
    p50 = statistics.median(latencies)
    p99 = statistics.quantiles(latencies, n=100)[98]
    return f"| {processes} | {len(latencies)} | {rate:,.0f} | {p50:.1f} | {p99:.1f} |"


async def main(admin_url: str, counts: list[int], residents: int, concurrency: int) -> None:
    print(
        f"{os.cpu_count()} cores; {residents} residents, {len(DIALOG)} messages each, "
        f"{concurrency} at once, round-robin over the web processes"
    )
    print("| web processes | messages | messages/s | p50 ms | p99 ms |")
    print("|---|---|---|---|---|")
    for processes in counts:
        print(await one_count(admin_url, processes, residents, concurrency), flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", default="1,2,4")
    parser.add_argument("--residents", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--database", default="postgresql://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    counts = [int(n) for n in args.processes.split(",")]
    asyncio.run(main(args.database, counts, args.residents, args.concurrency))
