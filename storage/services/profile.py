"""The resident's settings and consents, in the message's transaction."""

from __future__ import annotations

from storage import rights
from storage.services.bound import Bound


class SqlProfile:
    """`Profile` on the resident's row and the consent ledger."""

    def __init__(self, bound: Bound) -> None:
        self.bound = bound

    async def set_language(self, language: str) -> None:
        await self.bound.change({"language": language}, language=language)

    async def give_consent(self, version: str) -> None:
        now = self.bound.clock()
        values = {"consent_version": version, "consented_at": now}
        await self.bound.change(values, consent_version=version)
        await self._agree("privacy", version)

    async def agree_to_signing(self, version: str) -> None:
        await self._agree("petition_signing", version)

    async def _agree(self, kind: str, version: str) -> None:
        b = self.bound
        await b.tx.run(rights.agree, b.me, kind, version, b.address.channel, b.clock())

    async def set_commune(self, code: str) -> None:
        await self.bound.change({"commune_code": code}, commune_code=code)

    async def set_pushes(self, enabled: bool) -> None:
        await self.bound.change({"pushes_enabled": enabled}, pushes_enabled=enabled)

    async def set_voice(self, enabled: bool) -> None:
        await self.bound.change({"voice": enabled}, voice=enabled)
