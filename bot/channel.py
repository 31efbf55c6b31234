"""What a chat platform brings to a running Hayna: its outbox, its webhook routes, its start-up."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from starlette.routing import BaseRoute

from bot.app import App
from conversations.seams import MediaFetcher, Outbox


class Channel(Protocol):
    """One configured platform (Telegram, WhatsApp), built from its settings by `bot.serve`."""

    name: str
    outbox: Outbox
    # Gets the bytes of a file sent on the platform (an organizer's photo for an update).
    fetcher: MediaFetcher

    def routes(self, app: App) -> Sequence[BaseRoute]:
        """The webhook endpoints, answering through ``app.engine`` (and recording platform
        callbacks through ``app.dispatcher.queue``)."""
        ...

    async def start(self) -> None:
        """Register with the platform (webhook, command list); called once the server listens."""
        ...

    async def stop(self) -> None: ...
