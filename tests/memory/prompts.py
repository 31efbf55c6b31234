"""`Prompts` in memory: the voice notes organizers sent as prompts, by key and language."""

from __future__ import annotations

from conversations.kit import Media
from conversations.prompts import KEYS, LANGUAGES
from tests.memory.here import Here


class MemoryPrompts:
    def __init__(self, here: Here) -> None:
        self.here = here

    async def recorded(self, language: str) -> frozenset[str]:
        return frozenset(key for key, spoken in self.here.world.prompts if spoken == language)

    async def record(self, key: str, language: str, media: Media) -> bool:
        here = self.here
        allowed = key in KEYS and language in LANGUAGES and bool(here.scope())
        if not here.audit("record_prompt", f"{key}/{language}", allowed):
            return False
        here.world.prompts[key, language] = media.ref
        return True
