"""An organizer's commitment actions — add one, change its status, list them — once, for the chat
(storage/services/commitments.py) and the command line (storage/operator.py): each checked
against the authority's scope (a commitment's is its commune) and audited; one the rules refuse
says why in `refusal`."""

from __future__ import annotations

from conversations.commitment import (
    Commitment,
    CommitmentDraft,
    CommitmentLife,
    CommitmentRefusal,
    CommitmentWhy,
)
from conversations.groups import Audience
from storage import commitments
from storage.commitments import CommitmentError
from storage.services.authority import Authority

ADD = "add_commitment"
SET_STATUS = "set_commitment_status"


class CommitmentActions:
    """The commitment actions of one authority, in its transaction."""

    def __init__(self, authority: Authority) -> None:
        self.authority = authority
        self.refusal: CommitmentRefusal | None = None

    async def add(self, draft: CommitmentDraft) -> int | None:
        """A commitment of a commune within the scope; its number."""
        a = self.authority
        if not await a.may(Audience(draft.commune_code), ADD, draft.commune_code):
            return None
        try:
            return await a.tx.run(commitments.create, draft, a.organizer, a.clock())
        except CommitmentError as error:
            self.refusal = error.refusal
            return None

    async def set_status(self, commitment_id: int, life: CommitmentLife, note: str) -> int | None:
        """Its new status, told to its followers; how many follow it, None when refused."""
        a = self.authority
        audience = await a.tx.run(commitments.audience, commitment_id)
        allowed = audience is not None and await a.covers(audience) is not None
        if not await a.audit(SET_STATUS, str(commitment_id), allowed):
            unknown = CommitmentRefusal(CommitmentWhy.NO_COMMITMENT, str(commitment_id))
            self.refusal = None if audience is not None else unknown
            return None
        try:
            return await a.tx.run(
                commitments.set_status, commitment_id, life, note, a.organizer, a.clock()
            )
        except CommitmentError as error:
            self.refusal = error.refusal
            return None

    async def listing(self, commune: str | None = None) -> list[Commitment]:
        """The commitments of the communes within the scope (or of one of them)."""
        a = self.authority
        return await a.tx.run(commitments.listing, commune, a.resident_id, await a.scope())
