"""Hourly chores of a long-running process: forget old message ids, abandoned answers and
expired download links, close petitions past their deadline."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime

from storage.database import Database
from storage.downloads import forget_expired_downloads
from storage.inbox import forget_old_messages
from storage.petitions import close_expired_petitions
from storage.retention import forget_abandoned_answers

EVERY_SECONDS = 3600


async def keep_house(db: Database, stop: asyncio.Event) -> None:
    """Run the chores now and then every hour, until ``stop`` is set."""
    while not stop.is_set():
        await chores(db, datetime.now(UTC))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), EVERY_SECONDS)


async def chores(db: Database, now: datetime) -> None:
    """One round of the chores, as of ``now``."""
    await forget_old_messages(db, now)
    await forget_abandoned_answers(db, now)
    await close_expired_petitions(db, now)
    await forget_expired_downloads(db, now)
