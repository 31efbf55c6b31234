"""A platform's pace: at most so many sends per second, and nothing while the platform said wait.

One `Pace` per bot or sender, shared by its interactive replies and its pushes.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable


class Pace:
    """Spaces sends ``1/rate`` seconds apart; `hold` stops every send for a while (HTTP 429)."""

    def __init__(
        self,
        rate: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.interval = 1.0 / rate
        self.clock = clock
        self.sleep = sleep
        self._next = 0.0
        self._held_until = 0.0

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
                return

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
        """Nothing goes for ``seconds`` from now (the platform's retry_after)."""
        self._held_until = max(self._held_until, self.clock() + seconds)
