"""Petitions as flows read, sign and draft them, in the message's transaction."""

from __future__ import annotations

from collections.abc import Sequence

from conversations.groups import Group, GroupKind
from conversations.petition import Card, PetitionDraft, PetitionLife, Signing
from storage import groups, petitions
from storage.services.authority import ResidentAuthority
from storage.services.bound import Bound


class SqlPetitions:
    """`Petitions` on storage/petitions.py; a signature's threshold is checked again once the
    message is committed (`Bound.unsettled`)."""

    def __init__(self, bound: Bound) -> None:
        self.bound = bound

    async def open_petitions(self) -> Sequence[Card]:
        b = self.bound
        commune = b.resident.commune_code or ""
        return await b.tx.run(petitions.open_in, commune, b.me, b.clock())

    async def petition(self, code: str) -> Card | None:
        return await self.bound.tx.run(petitions.card, code, self.bound.me)

    async def seal(self, secret: str) -> str:
        return self.bound.vault.seal(secret)

    async def sign_petition(self, code: str, full_name: str, sealed_cin: str) -> Signing:
        b = self.bound
        cin = b.vault.open(sealed_cin)
        signed = await b.tx.run(
            petitions.sign, code, b.me, full_name, b.vault.key(cin), sealed_cin, b.clock()
        )
        if signed.unsettled is not None:
            b.unsettled.append(signed.unsettled)
        return signed

    async def withdraw_signature(self, code: str) -> bool:
        return await self.bound.tx.run(petitions.withdraw, code, self.bound.me, self.bound.clock())

    async def support_petition(self, code: str) -> Signing:
        b = self.bound
        return await b.tx.run(petitions.support, code, b.me, b.clock())

    async def associations(self, commune: str) -> Sequence[Group]:
        found = await self.bound.tx.run(groups.groups_in, commune, None, self.bound.clock())
        return [group for group in found if group.kind is GroupKind.ASSOCIATION]

    async def my_signatures(self) -> Sequence[Card]:
        return await self.bound.tx.run(petitions.mine, self.bound.me)

    async def draft_petition(self, draft: PetitionDraft) -> str:
        # Checked here, not only in the flow: no path into storage skips the check.
        await self._must_organize()
        b = self.bound
        return await b.tx.run(petitions.create, draft, self._actor, b.clock(), b.checklist)

    async def publish_petition(self, code: str) -> None:
        await self._must_organize()
        b = self.bound
        await b.tx.run(petitions.move, code, PetitionLife.OPEN, "", self._actor, b.clock())

    async def _must_organize(self) -> None:
        if not await ResidentAuthority(self.bound).scope():
            raise PermissionError(f"{self.bound.address.channel} resident is not an organizer")

    @property
    def _actor(self) -> str:
        return str(self.bound.address)[: petitions.ACTOR_MAX]
