"""Which process sends a channel's pushes: one PostgreSQL advisory lock per channel.

The lock is held by a connection kept for it alone; it goes with that connection, so when the
process holding it dies (even by kill -9) the database releases it at once and another process
takes it at its next try. On SQLite one process writes the file at a time: it holds them all.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from contextlib import AsyncExitStack

from sqlalchemy import Connection, text

from storage.database import Connected, Database, select_one

log = logging.getLogger(__name__)

# A lock's statement taking longer than this: the network or the server is away, and the lock
# is taken as lost (a hang must not stop the dispatcher checking its other channels).
CHECK_SECONDS = 2.0


def lock_key(channel: str) -> int:
    """The advisory lock's number for ``channel``: a signed 64-bit integer, the same in every
    process (Python's own hash of a string changes from one process to the next)."""
    digest = hashlib.sha256(f"hayna.sender.{channel}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


class SenderLock:
    """This process's hold on the channels whose pushes it sends."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._held: dict[str, tuple[AsyncExitStack, Connected]] = {}

    def holds(self, channel: str) -> bool:
        return self.db.sqlite or channel in self._held

    async def take(self, channel: str) -> bool:
        """Take ``channel``'s lock if no other process holds it; True when this one does."""
        if self.holds(channel):
            return True
        stack = AsyncExitStack()
        held: Connected | None = None
        try:
            async with asyncio.timeout(CHECK_SECONDS):
                held = await stack.enter_async_context(self.db.connection())
                async with held.transaction() as tx:
                    taken = bool(await tx.run(_try_lock, lock_key(channel)))
        except BaseException:
            # Taken or not, this connection is closed: it may hold the lock.
            with contextlib.suppress(Exception):
                await _close(stack, held)
            raise
        if not taken:
            await stack.aclose()
            return False
        self._held[channel] = (stack, held)
        return True

    async def still_holds(self, channel: str) -> bool:
        """Whether the lock's connection still answers (and so the lock is still this
        process's); a connection that does not is let go, with the lock."""
        if self.db.sqlite:
            return True
        entry = self._held.get(channel)
        if entry is None:
            return False
        try:
            async with asyncio.timeout(CHECK_SECONDS), entry[1].transaction() as tx:
                await tx.run(select_one)
        except Exception:
            log.exception("the %s sender's lock was lost with its connection", channel)
            await self._drop(channel, broken=True)
            return False
        return True

    async def release(self, channel: str) -> None:
        entry = self._held.get(channel)
        if entry is None:
            return
        try:
            async with asyncio.timeout(CHECK_SECONDS), entry[1].transaction() as tx:
                await tx.run(_unlock, lock_key(channel))
        except Exception:
            # Not unlocked: the connection is closed rather than pooled, and the lock goes with it.
            log.info("the %s sender's lock is let go with its connection", channel)
            await self._drop(channel, broken=True)
            return
        await self._drop(channel)

    async def close(self) -> None:
        for channel in list(self._held):
            await self.release(channel)

    async def _drop(self, channel: str, broken: bool = False) -> None:
        stack, held = self._held.pop(channel)
        try:
            await _close(stack, held if broken else None)
        except Exception:
            log.info("the %s sender's lock connection closed with an error", channel)


async def _close(stack: AsyncExitStack, broken: Connected | None) -> None:
    """Give the lock's connection back; a ``broken`` one (or one that may still hold the lock)
    is closed instead, so that no other work of this process ever holds the lock with it."""
    if broken is not None:
        await broken.invalidate()
    await stack.aclose()


def _try_lock(conn: Connection, key: int) -> bool:
    return bool(conn.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": key}).scalar())


def _unlock(conn: Connection, key: int) -> None:
    conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
