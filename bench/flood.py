"""What a flood costs: a message handled (database transaction) against a message dropped by
flood control (one bucket lookup), through `Engine.handle` on SQLite, plus peak memory per
tracked address.

    .venv/bin/python -m bench.flood [--messages 2000]
"""

from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):  # run as `python bench/flood.py`: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse
import asyncio
import secrets
import tempfile
import time
import tracemalloc
from collections.abc import Sequence

from bot.app import build_engine
from conversations.flood import Flood, Limit
from conversations.kit import Address, Inbound
from storage.database import Database
from storage.gazetteer import Gazetteer
from storage.vault import Vault


async def _measure(messages: int) -> list[tuple[str, float]]:
    with tempfile.TemporaryDirectory(prefix="hayna-flood-") as tmp:
        db = Database.open(f"sqlite:///{tmp}/bench.db")
        await db.upgrade()
        gazetteer = Gazetteer.load()
        vault = Vault(secrets.token_urlsafe(48))
        try:
            # Handled: no flood control, each message a transaction (the language menu, again).
            plain = build_engine(db, gazetteer, vault)
            start = time.perf_counter()
            for i in range(messages):
                await plain.handle(Inbound(Address("whatsapp", "+212600000001"), f"h{i}", "hi"))
            handled = (time.perf_counter() - start) / messages

            # Dropped: the same resident in a flood, past the burst and the one notice.
            flood = Flood(Limit(per_minute=20, burst=5))
            limited = build_engine(db, gazetteer, vault, flood=flood)
            spammer = Address("whatsapp", "+212600000002")
            for i in range(10):
                await limited.handle(Inbound(spammer, f"w{i}", "hi"))
            start = time.perf_counter()
            for i in range(messages):
                await limited.handle(Inbound(spammer, f"d{i}", "spam"))
            dropped = (time.perf_counter() - start) / messages
        finally:
            await db.close()

    tracemalloc.start()
    many = Flood(Limit(per_minute=20, burst=5))
    before = tracemalloc.get_traced_memory()[0]
    for i in range(10_000):
        many.check(Address("whatsapp", f"+2126{i:08d}"))
    per_address = (tracemalloc.get_traced_memory()[0] - before) / 10_000
    tracemalloc.stop()
    return [
        ("message handled (SQLite transaction)", handled * 1e6),
        ("message dropped by flood control", dropped * 1e6),
        ("ratio handled / dropped", handled / dropped),
        ("memory per tracked address (bytes)", per_address),
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.flood", description=__doc__)
    parser.add_argument("--messages", type=int, default=2000)
    args = parser.parse_args(argv)
    rows = asyncio.run(_measure(args.messages))
    print(f"{'what':42} {'µs / message (or as named)':>28}")
    for label, value in rows:
        print(f"{label:42} {value:>28,.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
