"""`Commitments` in memory: a commune's commitments, their history and followers, each rule and
scope checked as storage checks it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from conversations.commitment import (
    Commitment,
    CommitmentChange,
    CommitmentDraft,
    CommitmentLife,
    SourceKind,
    change_refusal,
    draft_refusal,
)
from conversations.groups import Answer, Audience
from conversations.kit import MOROCCO
from tests.memory.here import Here
from tests.memory.world import Promise


class MemoryCommitments:
    def __init__(self, here: Here) -> None:
        self.here = here

    def _shown(self, p: Promise) -> Commitment:
        d = p.draft
        return Commitment(
            p.id, d.commune_code, d.text.strip(), d.made_by.strip(), d.due_on, p.life,
            d.source_kind, d.source_ref, tuple(p.history), self.here.me in p.followers,
            len(p.followers),
        )  # fmt: skip

    def _found(self, commitment_id: int) -> Promise | None:
        return next((p for p in self.here.world.commitments if p.id == commitment_id), None)

    def _listed(self, communes: set[str] | None) -> list[Commitment]:
        found = [
            p
            for p in self.here.world.commitments
            if communes is None or p.draft.commune_code in communes
        ]
        return [self._shown(p) for p in sorted(found, key=lambda p: (p.draft.due_on, p.id))]

    async def commune_commitments(self) -> Sequence[Commitment]:
        commune = self.here.resident.commune_code
        return self._listed({commune}) if commune else []

    async def commitment(self, commitment_id: int) -> Commitment | None:
        found = self._found(commitment_id)
        if found is None or found.draft.commune_code != self.here.resident.commune_code:
            return None
        return self._shown(found)

    async def follow(self, commitment_id: int) -> bool | None:
        if await self.commitment(commitment_id) is None:
            return None
        followers = self._found(commitment_id).followers  # type: ignore[union-attr]
        if self.here.me in followers:
            return False
        followers[self.here.me] = self.here.clock()
        return True

    async def unfollow(self, commitment_id: int) -> bool:
        found = self._found(commitment_id)
        return found is not None and found.followers.pop(self.here.me, None) is not None

    def _source(self, draft: CommitmentDraft) -> list[int] | None:
        """The residents following from the source; None for no source of the commune."""
        world = self.here.world
        if draft.source_kind is SourceKind.ORGANIZER:
            return []
        if draft.source_kind is SourceKind.PETITION:
            code = draft.source_ref.upper()
            petition = next((p for p in world.petitions if p.code == code), None)
            if petition is None or petition.draft.commune_code != draft.commune_code:
                return None
            return [s.resident_id for s in petition.signatures if s.resident_id is not None]
        meeting = next((m for m in world.meetings if str(m.id) == draft.source_ref), None)
        if meeting is None or meeting.draft.commune_code != draft.commune_code:
            return None
        return sorted(rid for rid, said in meeting.answers.items() if said is Answer.YES)

    async def add(self, draft: CommitmentDraft) -> int | None:
        here, now = self.here, self.here.clock()
        if not here.may(Audience(draft.commune_code), "add_commitment", draft.commune_code):
            return None
        following = self._source(draft)
        if draft_refusal(draft, now.astimezone(MOROCCO).date()) or following is None:
            return None
        if draft.source_kind is SourceKind.PETITION:
            draft = replace(draft, source_ref=draft.source_ref.upper())
        made = Promise(here.world.next_id(), draft, CommitmentLife.PENDING)
        made.history.append(CommitmentChange(CommitmentLife.PENDING, "", here.organizer, now))
        made.followers.update(dict.fromkeys(following, now))
        here.world.commitments.append(made)
        return made.id

    async def set_status(self, commitment_id: int, life: CommitmentLife, note: str) -> int | None:
        here, found = self.here, self._found(commitment_id)
        allowed = found is not None and here.covers(Audience(found.draft.commune_code)) is not None
        if not here.audit("set_commitment_status", str(commitment_id), allowed) or found is None:
            return None
        if change_refusal(found.life, life, note) is not None:
            return None
        found.life = life
        found.history.append(CommitmentChange(life, note.strip(), here.organizer, here.clock()))
        here.world.told.append((found.id, tuple(sorted(found.followers))))
        return len(found.followers)

    async def organizer_commitments(self) -> Sequence[Commitment] | None:
        scope = self.here.scope()
        if not self.here.audit("list_commitments", "", bool(scope)):
            return None
        return self._listed(None if scope.everywhere else set(scope.communes))
