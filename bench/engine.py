"""Throughput of Hayna's engine, against python-telegram-bot's ConversationHandler as a baseline.

Residents go through onboarding and the menu (10 messages each) through `Engine.handle` on a
database, then through the same dialog written with PTB's ConversationHandler, state in memory.
Each side runs in a child process of its own, so that its peak memory is its own.

    .venv/bin/python -m bench.engine [--residents 1000] [--concurrency 16] [--database URL]
"""

from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):  # run as `python bench/engine.py`: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse
import asyncio
import json
import secrets
import subprocess
import tempfile
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import asdict

# Only channel-free modules here: each child imports its own stack (SQLAlchemy or PTB) itself.
from bench.dialog import Result, Seen, drive
from bench.ptb_baseline import run_ptb
from conversations.language import SUPPORTED
from conversations.phrases import SOMETHING_WRONG

ROOT = Path(__file__).resolve().parent.parent
TARGET_RATE, TARGET_P99_MS = 1_000, 20.0


# --- Hayna: Engine.handle over SQLite or PostgreSQL --------------------------------------------


async def run_hayna(residents: int, concurrency: int, database: str | None) -> Result:
    from bot.app import build_engine
    from bot.i18n import translator
    from conversations.kit import Address, Inbound
    from storage.database import Database
    from storage.gazetteer import Gazetteer
    from storage.vault import Vault

    wrong = {SOMETHING_WRONG.render(translator(locale)) for locale in SUPPORTED}
    with tempfile.TemporaryDirectory(prefix="hayna-bench-") as tmp:
        async with _fresh_database(database or f"sqlite:///{tmp}/bench.db") as url:
            db = Database.open(url)
            await db.upgrade()
            # A throw-away key: the bench signs no petition, and keeps nothing.
            engine = build_engine(db, Gazetteer.load(), Vault(secrets.token_urlsafe(48)))

            def prepare(i: int, k: int, text: str) -> Inbound:
                return Inbound(Address("console", f"r{i}"), f"{i}-{k}", text)

            async def handle(message: Inbound) -> Callable[[], Seen]:
                out = await engine.handle(message)
                return lambda: [(o.text, len(o.options)) for o in out]

            label = f"Hayna Engine.handle, {'SQLite' if db.sqlite else 'PostgreSQL'}"
            try:
                return await drive(label, residents, concurrency, prepare, handle, wrong)
            finally:
                await db.close()


@asynccontextmanager
async def _fresh_database(url: str) -> AsyncIterator[str]:
    """SQLite as given; for PostgreSQL a new database on that server, dropped afterwards."""
    if url.startswith("sqlite"):
        yield url
        return
    import asyncpg
    from sqlalchemy.engine import make_url

    server = make_url(url)
    name = f"hayna_bench_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(
        host=server.host,
        port=server.port or 5432,
        user=server.username,
        password=server.password,
        database=server.database or "postgres",
    )
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield server.set(database=name).render_as_string(hide_password=False)
        finally:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


# --- The parent: one child per side, then the table -------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.engine", description=__doc__)
    parser.add_argument("--residents", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=16, help="residents at once")
    parser.add_argument(
        "--database",
        help="sqlite:///… or postgresql://… (a fresh database is "
        "made on that server and dropped); default: a temporary SQLite file",
    )
    parser.add_argument("--side", choices=("hayna", "ptb"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.side:  # a child: run one side, answer in JSON on the last line of stdout
        if args.side == "hayna":
            result = asyncio.run(run_hayna(args.residents, args.concurrency, args.database))
        else:
            result = asyncio.run(run_ptb(args.residents, args.concurrency))
        print(json.dumps(asdict(result)))
        return 0

    common = ["--residents", str(args.residents), "--concurrency", str(args.concurrency)]
    if args.database:
        common += ["--database", args.database]
    hayna, ptb = (_child(side, common) for side in ("hayna", "ptb"))
    print(_table(hayna, ptb, args.concurrency))
    if failures := hayna.failures + ptb.failures:
        for problem in hayna.problems + ptb.problems:
            print(f"  {problem}", file=sys.stderr)
        print(f"FAILED: {failures:,} messages went wrong; the numbers above measure errors")
        return 1
    return 0


def _child(side: str, common: list[str]) -> Result:
    command = [sys.executable, "-m", "bench.engine", "--side", side, *common]
    done = subprocess.run(command, cwd=ROOT, stdout=subprocess.PIPE, text=True, check=True)
    return Result(**json.loads(done.stdout.strip().splitlines()[-1]))


def _table(hayna: Result, ptb: Result, concurrency: int) -> str:
    def rate(r: Result) -> float:
        return r.messages / r.seconds

    def row(r: Result) -> str:
        return (
            f"{r.label:<34}{r.messages:>8,}{rate(r):>9,.0f}{r.p50_ms:>8.2f}{r.p99_ms:>8.2f}"
            f"{r.rss_mb:>9.0f}{r.grew_mb:>8.0f}"
        )

    target = f"target on SQLite: >= {TARGET_RATE:,} msg/s, p99 < {TARGET_P99_MS:.0f} ms: "
    if not hayna.label.endswith("SQLite"):
        target += "not measured here"
    elif rate(hayna) >= TARGET_RATE and hayna.p99_ms < TARGET_P99_MS and not hayna.failures:
        target += "MET"
    else:
        target += "NOT MET"
    return "\n".join(
        [
            f"{'what':<34}{'messages':>8}{'msg/s':>9}{'p50 ms':>8}{'p99 ms':>8}"
            f"{'peak MB':>9}{'run +MB':>8}",
            row(hayna),
            row(ptb),
            f"{'ratio (Hayna / PTB)':<42}{rate(hayna) / rate(ptb):>9.2f}",
            target,
            "",
            f"Residents {concurrency} at once (asyncio workers, each taking the next resident), "
            "10 messages each,",
            "after a warm-up dialog; msg/s leaves out building inputs and checking replies.",
            "PTB: ConversationHandler via Application.process_update with an offline bot (getMe",
            "answered in memory, replies recorded, nothing sent); its state lives in memory only,",
            "with no persistence, while Hayna commits every message to the database.",
            "peak MB: each side's own process (ru_maxrss); run +MB: what the run added to it.",
        ]
    )


if __name__ == "__main__":
    sys.exit(main())
