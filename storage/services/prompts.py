"""Voice prompts recorded in the chat, by an organizer: noted in the message's transaction,
fetched and checked afterwards (bot/prompt_fetch.py), audited like every organizer action."""

from __future__ import annotations

from conversations.kit import Media
from conversations.prompts import KEYS, LANGUAGES
from storage import prompts
from storage.services.authority import ResidentAuthority
from storage.services.bound import Bound


class SqlPrompts:
    """`Prompts` on the prompt table."""

    def __init__(self, bound: Bound) -> None:
        self.bound = bound
        self.authority = ResidentAuthority(bound)

    async def recorded(self, language: str) -> frozenset[str]:
        return await self.bound.tx.run(prompts.recorded, language)

    async def record(self, key: str, language: str, media: Media) -> bool:
        b = self.bound
        known = key in KEYS and language in LANGUAGES
        allowed = known and bool(await self.authority.scope())
        if not await self.authority.audit("record_prompt", f"{key}/{language}", allowed):
            return False
        await b.tx.run(prompts.wait, key, language, b.address.channel, media.ref, b.clock())
        return True
