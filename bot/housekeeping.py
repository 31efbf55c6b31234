"""Hourly chores of a long-running process: forget old message ids and abandoned answers,
close petitions past their deadline."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime

from storage.database import Database
from storage.inbox import forget_old_messages
from storage.petitions import close_expired_petitions
from storage.retention import forget_abandoned_answers

EVERY_SECONDS = 3600


async def keep_house(db: Database, stop: asyncio.Event) -> None:
    """Run the chores now and then every hour, until ``stop`` is set."""
    while not stop.is_set():
        now = datetime.now(UTC)
        await forget_old_messages(db, now)
        await forget_abandoned_answers(db, now)
        await close_expired_petitions(db, now)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), EVERY_SECONDS)
