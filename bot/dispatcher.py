"""The dispatcher: sends due deliveries through each channel's `Outbox`, at most once each.

It claims a batch, renders each push in its recipient's language, sends it, and records the
outcome: sent; retried with exponential backoff (or the platform's ``retry_after``); or given up
when the platform says the resident cannot be reached or attempts run out.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta

from conversations.kit import Address, Outgoing
from conversations.language import DEFAULT
from conversations.seams import Outbox, Push, TransientFailure, Unreachable
from conversations.text import Translator, from_json
from storage.deliveries import DeliveryQueue, Due, Status

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
BASE_DELAY = timedelta(seconds=5)
MAX_DELAY = timedelta(hours=1)
# Do not start a send this close to the end of the claim's lease.
LEASE_MARGIN = timedelta(seconds=15)


class Dispatcher:
    def __init__(
        self,
        queue: DeliveryQueue,
        outboxes: Mapping[str, Outbox],
        translator: Callable[[str], Translator],
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.queue = queue
        self.outboxes = outboxes
        self.translator = translator
        self.clock = clock

    async def run_once(self, batch: int = 20) -> int:
        """Send what is due now; returns how many deliveries were claimed."""
        due = await self.queue.claim(self.clock(), self.outboxes.keys(), batch)
        for delivery in due:
            await self._send(delivery)
        return len(due)

    async def run(self, stop: asyncio.Event, idle: float = 1.0) -> None:
        """Keep sending until ``stop`` is set; sleeps ``idle`` seconds when nothing is due."""
        while not stop.is_set():
            try:
                sent = await self.run_once()
            except Exception:
                log.exception("dispatcher batch failed; trying again")
                sent = 0
            if not sent:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), idle)

    async def _send(self, delivery: Due) -> None:
        if not delivery.pushes_enabled:
            await self.queue.give_up(delivery, Status.OPTED_OUT, "the resident said stop")
            return
        if not delivery.reachable:
            await self.queue.give_up(delivery, Status.UNREACHABLE, "the resident is unreachable")
            return
        if self.clock() >= delivery.lease_until - LEASE_MARGIN:
            # A slow batch: the row is about to come due for others; sending now could double it.
            return
        outbox = self.outboxes[delivery.channel]
        locale = delivery.language or DEFAULT
        address = Address(delivery.channel, delivery.user_id)
        try:
            body = from_json(delivery.body).render(self.translator(locale))
        except Exception as error:
            # Retrying cannot mend a body that does not render: record it and move on.
            log.exception("delivery %s cannot be rendered", delivery.id)
            await self.queue.give_up(delivery, Status.FAILED, f"unrenderable: {error!r}")
            return
        push = Push(address, Outgoing(body, locale=locale), delivery.last_inbound_at)
        try:
            ref = await outbox.send(push)
        except Unreachable as error:
            await self.queue.unreachable(delivery, str(error), self.clock())
        except TransientFailure as error:
            await self._retry(delivery, str(error), error.retry_after)
        except Exception as error:
            log.exception("delivery %s failed", delivery.id)
            await self._retry(delivery, f"{type(error).__name__}: {error}", None)
        else:
            await self.queue.sent(delivery, self.clock(), ref)

    async def _retry(self, delivery: Due, error: str, retry_after: float | None) -> None:
        if delivery.attempts >= MAX_ATTEMPTS:
            await self.queue.give_up(delivery, Status.FAILED, error)
            return
        at = self.clock() + timedelta(seconds=retry_after) if retry_after else self._later(delivery)
        await self.queue.retry(delivery, error, at)

    def _later(self, delivery: Due) -> datetime:
        delay: timedelta = min(BASE_DELAY * 2 ** max(delivery.attempts - 1, 0), MAX_DELAY)
        return self.clock() + delay
