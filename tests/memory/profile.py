"""`Profile` in memory: the resident's settings and the consent ledger."""

from __future__ import annotations

from tests.memory.here import Here


class MemoryProfile:
    def __init__(self, here: Here) -> None:
        self.here = here

    async def set_language(self, language: str) -> None:
        self.here.change(language=language)

    async def give_consent(self, version: str) -> None:
        self.here.change(consent_version=version)
        self._agree("privacy", version)

    async def agree_to_signing(self, version: str) -> None:
        self._agree("petition_signing", version)

    def _agree(self, kind: str, version: str) -> None:
        h = self.here
        h.world.consents.append((h.me, kind, version, h.address.channel, h.clock()))

    async def set_commune(self, code: str) -> None:
        self.here.change(commune_code=code)

    async def set_pushes(self, enabled: bool) -> None:
        self.here.change(pushes_enabled=enabled)

    async def set_voice(self, enabled: bool) -> None:
        self.here.change(voice=enabled)
