"""A platform's pace kept in PostgreSQL, for several processes sending through one bot or sender.

Each send books the next free slot of its platform's row in one statement: the row holds the
time the next send may go, on the database's clock (so the processes' clocks never disagree),
and every booking moves it one interval on. A 429 moves it past the platform's wait. Each
process keeps its own pace too (handlers/pacing.py): this only adds up what they all send.

A booking is on the hot path of every send: one statement on a connection kept for it, on the
driver itself, outside any transaction (a statement alone commits as it runs).
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import AsyncExitStack
from typing import Any

from storage.database import Database

log = logging.getLogger(__name__)

# Seconds a booking may take; past them the send goes on this process's own pace alone.
TIMEOUT = 1.0

# The table of storage/models.py's PaceRow; seconds since the epoch on the database's clock.
_BOOK = """
INSERT INTO pace (name, next_at) VALUES ($1, extract(epoch FROM clock_timestamp()) + $2)
ON CONFLICT (name) DO UPDATE
SET next_at = greatest(pace.next_at, extract(epoch FROM clock_timestamp())) + $2
RETURNING next_at - $2 - extract(epoch FROM clock_timestamp())
"""
_HOLD = """
INSERT INTO pace (name, next_at) VALUES ($1, extract(epoch FROM clock_timestamp()) + $2)
ON CONFLICT (name) DO UPDATE
SET next_at = greatest(pace.next_at, extract(epoch FROM clock_timestamp()) + $2)
"""


class PaceSlots:
    """The shared slots of one platform (``name``: telegram, whatsapp)."""

    def __init__(self, db: Database, name: str) -> None:
        if db.sqlite:
            # One process writes an SQLite file at a time: its own pace is the whole pace.
            raise ValueError("a shared pace needs PostgreSQL")
        self.db = db
        self.name = name
        self._stack: AsyncExitStack | None = None
        self._conn: Any = None
        # One statement at a time on the kept connection.
        self._lock = asyncio.Lock()

    async def book(self, interval: float) -> float:
        """Book the next free slot; how many seconds from now it is (0.0 when it is now)."""
        delay = await self._run(_BOOK, interval)
        return max(0.0, float(delay))

    async def hold(self, seconds: float) -> None:
        """Nothing goes for ``seconds`` from now, from any process (the platform said 429)."""
        await self._run(_HOLD, seconds)

    async def close(self) -> None:
        async with self._lock:
            await self._drop()

    async def _run(self, sql: str, seconds: float) -> Any:
        async with self._lock:
            if self._conn is None:
                self._stack = AsyncExitStack()
                self._conn = await self._stack.enter_async_context(self.db.driver_connection())
            try:
                # A database that does not answer at once must not hold every send back.
                return await self._conn.fetchval(sql, self.name, seconds, timeout=TIMEOUT)
            except Exception:
                # A connection that failed once is not trusted again: the next send takes another.
                await self._drop()
                raise

    async def _drop(self) -> None:
        stack, self._stack, self._conn = self._stack, None, None
        if stack is not None:
            try:
                await stack.aclose()
            except Exception:
                log.info("the %s pace's connection closed with an error", self.name)
