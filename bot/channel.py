"""What a chat platform brings to a running Hayna: its outbox, its webhook routes, its start-up."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from starlette.routing import BaseRoute

from conversations.engine import Engine
from conversations.seams import Outbox


class Channel(Protocol):
    """One configured platform (Telegram, WhatsApp), built from its settings by `bot.serve`."""

    name: str
    outbox: Outbox

    def routes(self, engine: Engine) -> Sequence[BaseRoute]:
        """The webhook endpoints, answering through ``engine``."""
        ...

    async def start(self) -> None:
        """Register with the platform (webhook, command list); called once the server listens."""
        ...

    async def stop(self) -> None: ...
