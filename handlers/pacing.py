"""A platform's pace: at most so many sends per second, and nothing while the platform said wait.

One `Pace` per bot or sender, shared by its interactive replies and its pushes. When several
processes send through one bot or sender, each `Pace` also books its sends in ``shared`` (a
`Booking` kept in the database, storage/pace_slots.py), so that all of them together keep the
platform's rate and its 429 holds.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Protocol

log = logging.getLogger(__name__)


class Booking(Protocol):
    """Slots shared by every process sending through one platform account."""

    async def book(self, interval: float) -> float:
        """Book the next free slot; seconds until it comes."""
        ...

    async def hold(self, seconds: float) -> None:
        """Nothing goes from any process for ``seconds``."""
        ...


class Pace:
    """Spaces sends ``1/rate`` seconds apart; `hold` stops every send for a while (HTTP 429)."""

    def __init__(
        self,
        rate: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        shared: Booking | None = None,
    ) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.interval = 1.0 / rate
        self.clock = clock
        self.sleep = sleep
        self.shared = shared
        self._next = 0.0
        self._held_until = 0.0
        # Holds being told to the other processes; kept so that none is collected unfinished.
        self._telling: set[asyncio.Task[None]] = set()

    async def wait(self) -> None:
        """Return when the next send may go."""
        while True:
            now = self.clock()
            # Book the slot before sleeping, so concurrent callers queue one interval apart and
            # each wakes once, at its own slot (not all at every slot).
            slot = max(now, self._next, self._held_until)
            self._next = slot + self.interval
            if slot > now:
                await self.sleep(slot - now)
            # A hold that came while sleeping moves this send after it.
            if self._held_until <= max(slot, self.clock()):
                await self.booked()
                return

    async def booked(self) -> None:
        """Wait for a slot of the shared pace, once this process's own turn came (at once
        when no other process sends through the platform)."""
        if self.shared is None:
            return
        try:
            delay = await self.shared.book(self.interval)
        except Exception:
            # The database is away: this process's own pace still holds; the send goes.
            log.exception("the shared pace could not be booked")
            return
        if delay > 0:
            await self.sleep(delay)

    def take(self) -> float:
        """Take the next slot if it is due (0.0), else how long until it is, booking nothing: for
        callers that must let others (more urgent ones) go first."""
        now = self.clock()
        slot = max(self._next, self._held_until)
        if slot <= now:
            self._next = now + self.interval
            return 0.0
        return slot - now

    def hold(self, seconds: float) -> None:
        """Nothing goes for ``seconds`` from now (the platform's retry_after), from this
        process at once and from the others as soon as the shared pace is told."""
        self._held_until = max(self._held_until, self.clock() + seconds)
        if self.shared is not None:
            telling = asyncio.ensure_future(self._tell(seconds))
            self._telling.add(telling)
            telling.add_done_callback(self._telling.discard)

    async def _tell(self, seconds: float) -> None:
        assert self.shared is not None
        try:
            await self.shared.hold(seconds)
        except Exception:
            log.exception("the other processes could not be told of a platform's hold")
