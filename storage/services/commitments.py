"""Commitments in the message's transaction: those of the resident's commune and their follows,
and an organizer's additions and changes through `CommitmentActions` (scoped and audited)."""

from __future__ import annotations

from collections.abc import Sequence

from conversations.commitment import Commitment, CommitmentDraft, CommitmentLife
from storage import commitments
from storage.services.authority import ResidentAuthority
from storage.services.bound import Bound
from storage.services.commitment_actions import CommitmentActions


class SqlCommitments:
    """`Commitments` on storage/commitments.py, as the resident's commune and scope say."""

    def __init__(self, bound: Bound) -> None:
        self.bound = bound
        self.actions = CommitmentActions(ResidentAuthority(bound))

    async def commune_commitments(self) -> Sequence[Commitment]:
        b = self.bound
        if not b.resident.commune_code:
            return []
        return await b.tx.run(commitments.listing, b.resident.commune_code, b.me)

    async def commitment(self, commitment_id: int) -> Commitment | None:
        b = self.bound
        found = await b.tx.run(commitments.read, commitment_id, b.me)
        if found is None or found.commune_code != b.resident.commune_code:
            return None
        return found

    async def follow(self, commitment_id: int) -> bool | None:
        if await self.commitment(commitment_id) is None:
            return None
        b = self.bound
        return await b.tx.run(commitments.follow, commitment_id, b.me, b.clock())

    async def unfollow(self, commitment_id: int) -> bool:
        b = self.bound
        return await b.tx.run(commitments.unfollow, commitment_id, b.me)

    async def add(self, draft: CommitmentDraft) -> int | None:
        return await self.actions.add(draft)

    async def set_status(self, commitment_id: int, life: CommitmentLife, note: str) -> int | None:
        return await self.actions.set_status(commitment_id, life, note)

    async def organizer_commitments(self) -> Sequence[Commitment] | None:
        authority = self.actions.authority
        scope = await authority.scope()
        if not await authority.audit("list_commitments", "", bool(scope)):
            return None
        return await self.actions.listing()
