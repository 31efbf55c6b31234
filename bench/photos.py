"""What a photo adds to an update: one update to N subscribers, with and without a photo.

Each run fills a fresh SQLite file with the subscribers, plans the update (with a photo of
--photo-kb kilobytes, or none), then runs the real dispatcher (expansion, claims of 100 rows,
16 sends in flight) against an outbox that only counts. Printed per case: the growth of the
database file per recipient (the photo's bytes are stored once, never per row), how many times
the photos were read (once per batch), and the sends per second.

    .venv/bin/python -m bench.photos [--subscribers 10000] [--photo-kb 1024]
"""

from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):  # run as `python bench/photos.py`: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse
import asyncio
import os
import tempfile
import time
from collections.abc import Collection, Mapping
from datetime import UTC, datetime

COMMUNE = "141.01.61"


class CountingOutbox:
    channel = "console"

    def __init__(self) -> None:
        self.sent = self.with_photo = 0

    async def send(self, push) -> str | None:
        self.sent += 1
        self.with_photo += push.message.attachment is not None
        return None


async def run(folder: Path, subscribers: int, photo_kb: int) -> dict[str, float]:
    from sqlalchemy import insert

    from bot.dispatcher import Dispatcher
    from bot.i18n import translator
    from bot.media import MediaLinks
    from conversations.groups import Audience
    from conversations.kit import Attachment
    from conversations.text import Verbatim
    from storage import announcements, media
    from storage.announcements import Kind, expand_due
    from storage.database import Database
    from storage.deliveries import DeliveryQueue
    from storage.models import RESIDENT

    path = folder / f"photo-{photo_kb}.db"
    db = Database.open(f"sqlite:///{path}")
    await db.upgrade()
    now = datetime.now(UTC)
    rows = [
        {"channel": "console", "user_id": f"r{i}", "language": "fr", "commune_code": COMMUNE,
         "pushes_enabled": True, "created_at": now}
        for i in range(subscribers)
    ]  # fmt: skip
    async with db.transaction() as tx:
        await tx.run(lambda conn: conn.execute(insert(RESIDENT), rows))
        photo = None
        if photo_kb:
            data = b"\xff\xd8\xff\xe0" + os.urandom(photo_kb * 1024 - 4)
            photo = await tx.run(media.store, "affiche.jpg", "image/jpeg", data, now)
        body = Verbatim("Nettoyage du quartier samedi à 9 h.").to_json()
        await tx.run(
            announcements.create, Kind.BROADCAST, Audience(COMMUNE), body, now, "bench", now,
            None, photo,
        )  # fmt: skip
    before = path.stat().st_size + _wal(path)

    links = MediaLinks(db, "b" * 40, "https://hayna.example.org")
    reads = 0

    async def photos(ids: Collection[int]) -> Mapping[int, Attachment]:
        nonlocal reads
        reads += 1
        return await links.photos(ids)

    outbox = CountingOutbox()
    dispatcher = Dispatcher(
        DeliveryQueue(db), {"console": outbox}, translator,
        expand=lambda at: expand_due(db, at), concurrency=16, batch=100, photos=photos,
    )  # fmt: skip
    began = time.perf_counter()
    while await dispatcher.run_once():
        pass
    seconds = time.perf_counter() - began
    await db.close()
    after = path.stat().st_size + _wal(path)
    return {
        "sent": outbox.sent,
        "with_photo": outbox.with_photo,
        "reads": reads,
        "rate": outbox.sent / seconds,
        "bytes_per_row": (after - before) / subscribers,
    }


def _wal(path: Path) -> int:
    wal = path.with_name(path.name + "-wal")
    return wal.stat().st_size if wal.exists() else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--photo-kb", type=int, default=1024)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        plain = asyncio.run(run(Path(folder), args.subscribers, 0))
        photo = asyncio.run(run(Path(folder), args.subscribers, args.photo_kb))
    results = [("no photo", plain), (f"{args.photo_kb} KB photo", photo)]
    print(f"{args.subscribers:,} subscribers, batches of 100, 16 sends in flight (SQLite)")
    print(f"{'case':<16}{'sent':>8}{'with photo':>12}{'photo reads':>13}{'sends/s':>10}"
          f"{'db bytes/recipient':>20}")  # fmt: skip
    for name, r in results:
        print(f"{name:<16}{r['sent']:>8,.0f}{r['with_photo']:>12,.0f}{r['reads']:>13,.0f}"
              f"{r['rate']:>10,.0f}{r['bytes_per_row']:>20,.0f}")  # fmt: skip


if __name__ == "__main__":
    main()
