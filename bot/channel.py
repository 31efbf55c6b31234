"""What a chat platform brings to a running Hayna (its outbox, its webhook routes, its start-up),
and what its routes reach Hayna through."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from starlette.routing import BaseRoute

from bot.app import App
from bot.files import Files
from conversations.seams import (
    Answerer,
    Backend,
    MediaFetcher,
    Outbox,
    Reported,
)
from handlers.metrics import MeteredAnswerer
from handlers.pacing import Booking
from storage.deliveries import DeliveryQueue, DeliveryStatus


class Channel(Protocol):
    """One configured platform, built from its settings by `bot.channels`."""

    name: str
    outbox: Outbox
    # Gets the bytes of a file sent on the platform (an organizer's photo for an update).
    fetcher: MediaFetcher

    def routes(self, backend: Backend) -> Sequence[BaseRoute]:
        """The webhook endpoints, answering through ``backend.answerer`` (and recording platform
        callbacks through ``backend.statuses``)."""
        ...

    async def open(self) -> None:
        """Be ready to send, without registering any webhook (a process that only dispatches)."""
        ...

    async def start(self) -> None:
        """Register with the platform (webhook, command list); called once the server listens."""
        ...

    async def stop(self) -> None: ...

    def share_pace(self, booking: Booking) -> None:
        """Book every send in ``booking`` too: the pace of all the processes sending through
        this platform account."""
        ...


class DeliveryStatuses:
    """The `StatusSink` over the delivery table."""

    def __init__(self, queue: DeliveryQueue) -> None:
        self.queue = queue

    async def reported(
        self, ref: str, status: Reported, error_code: str | None, at: datetime, unreachable: bool
    ) -> bool:
        return await self.queue.status_callback(
            ref, DeliveryStatus(status.value), error_code, at, unreachable=unreachable
        )


class Wiring:
    """The `Backend` a running app gives its channels' routes."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.statuses = DeliveryStatuses(app.dispatcher.queue)
        # The engine's clock, so that a test's clock also dates the files' links.
        self.files = Files(app.db, app.settings.public_base_url or "", app.engine.clock)

    @property
    def answerer(self) -> Answerer:
        # Read at each request: the app's engine is the one answering, whenever it was set.
        return MeteredAnswerer(self.app.engine, self.app.metrics)
