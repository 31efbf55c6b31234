"""One Telegram bot's pace, shared by its replies and its pushes: about 30 messages a second
overall, one a second per private chat, twenty a minute per group, nothing at all while a 429
holds, and replies before pushes so a long push queue never makes a resident wait."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from handlers.pacing import Booking, Pace

RATE = 30.0
PRIVATE_INTERVAL = 1.0
GROUP_INTERVAL = 3.0
# Past slots of quiet chats are forgotten once this many chats are remembered.
REMEMBERED_CHATS = 10_000


class TelegramPace:
    """Waits each request's turn: its chat's, then the bot's; `hold` answers a 429."""

    def __init__(
        self,
        rate: float = RATE,
        private_interval: float = PRIVATE_INTERVAL,
        group_interval: float = GROUP_INTERVAL,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        shared: Booking | None = None,
    ) -> None:
        self.overall = Pace(rate, clock, sleep, shared)
        self.private_interval = private_interval
        self.group_interval = group_interval
        self.clock = clock
        self.sleep = sleep
        self._chat_next: dict[int, float] = {}
        self._replies_waiting = 0
        self._no_reply_waiting = asyncio.Event()
        self._no_reply_waiting.set()

    async def wait(self, chat: int | None, reply: bool) -> None:
        """Return when a request to ``chat`` (None: no chat's quota, such as answering a tap)
        may go; ``reply`` marks an answer to a resident, which goes before any push."""
        if chat is not None:
            await self._chat_turn(chat)
        if reply:
            self._replies_waiting += 1
            self._no_reply_waiting.clear()
        try:
            await self._overall_turn(reply)
        finally:
            if reply:
                self._replies_waiting -= 1
                if not self._replies_waiting:
                    self._no_reply_waiting.set()
        if chat is not None:
            # A hold may have delayed the send: the chat's next turn counts from now.
            later = self.clock() + self._interval(chat)
            self._chat_next[chat] = max(self._chat_next.get(chat, 0.0), later)

    async def _overall_turn(self, reply: bool) -> None:
        # Nobody books ahead: whoever is due takes the slot, and a push steps aside for any
        # reply waiting, so queued pushes never hold a resident's answer back.
        while True:
            if not reply and self._replies_waiting:
                await self._no_reply_waiting.wait()
                continue
            delay = self.overall.take()
            if not delay:
                # This process's turn; then the turn among every process sending for the bot.
                await self.overall.booked()
                return
            await self.sleep(delay)

    def hold(self, seconds: float) -> None:
        """Telegram said 429: nothing goes for ``seconds``."""
        self.overall.hold(seconds)

    def _interval(self, chat: int) -> float:
        # Group and channel ids are negative; a private chat's id is its user's.
        return self.private_interval if chat > 0 else self.group_interval

    async def _chat_turn(self, chat: int) -> None:
        now = self.clock()
        if len(self._chat_next) >= REMEMBERED_CHATS:
            self._chat_next = {c: at for c, at in self._chat_next.items() if at > now}
        # Book the turn before sleeping, so messages to one chat keep their order and spacing.
        slot = max(now, self._chat_next.get(chat, 0.0))
        self._chat_next[chat] = slot + self._interval(chat)
        if slot > now:
            await self.sleep(slot - now)
