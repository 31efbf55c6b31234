"""`Petitions` in memory: one signature per resident and per CIN, and the threshold."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from conversations.groups import Group, GroupKind
from conversations.kit import MOROCCO
from conversations.petition import (
    CODE_ALPHABET,
    CODE_LENGTH,
    SIGNING,
    Card,
    PetitionDraft,
    PetitionKind,
    PetitionLife,
    Signing,
    SigningOutcome,
)
from tests.memory.here import Here, cin_key, seal, unseal
from tests.memory.world import Petition, Signature


def petition_card(p: Petition, signed_at: datetime | None, association: str = "") -> Card:
    d = p.draft
    return Card(
        p.code,
        d.title,
        d.summary,
        d.body,
        d.requests,
        d.representative,
        d.threshold,
        len(p.signatures),
        d.deadline,
        p.life,
        signed_at,
        category=d.category,
        kind=d.kind,
        association=association,
        declared_on=d.declared_on,
    )


class MemoryPetitions:
    def __init__(self, here: Here) -> None:
        self.here = here

    def collecting(self, p: Petition) -> bool:
        today = self.here.clock().astimezone(MOROCCO).date()
        return p.life in SIGNING and today <= p.draft.deadline

    def _card(self, p: Petition, signed_at: datetime | None) -> Card:
        named = (g.name for g in self.here.world.groups if g.id == p.draft.association_id)
        return petition_card(p, signed_at, next(named, ""))

    def _signed_at(self, p: Petition) -> datetime | None:
        me = self.here.me
        return next((s.at for s in p.signatures if s.resident_id == me), None)

    def _find(self, code: str) -> Petition | None:
        return next((p for p in self.here.world.petitions if p.code == code.upper()), None)

    async def open_petitions(self) -> Sequence[Card]:
        commune = self.here.resident.commune_code or ""
        found = [
            p
            for p in self.here.world.petitions
            if p.draft.commune_code == commune and self.collecting(p)
        ]
        found.sort(key=lambda p: (p.draft.deadline, p.id))
        return [self._card(p, self._signed_at(p)) for p in found]

    async def petition(self, code: str) -> Card | None:
        p = self._find(code)
        if p is None or p.life is PetitionLife.DRAFT:
            return None
        paper = sum(1 for s in p.signatures if s.resident_id is None)
        return replace(self._card(p, self._signed_at(p)), paper=paper)

    async def seal(self, secret: str) -> str:
        return seal(secret)

    async def sign_petition(self, code: str, full_name: str, sealed_cin: str) -> Signing:
        p = self._find(code)
        if p is None or not self.collecting(p) or p.draft.kind is PetitionKind.ASSOCIATION:
            return Signing(SigningOutcome.NOT_OPEN)
        if (mine := self._signed_at(p)) is not None:
            return Signing(SigningOutcome.ALREADY, mine)
        key = cin_key(unseal(sealed_cin))
        if any(s.cin_key == key for s in p.signatures):
            return Signing(SigningOutcome.CIN_USED)
        now = self.here.clock()
        p.signatures.append(Signature(self.here.me, full_name, key, sealed_cin, now))
        if p.life is PetitionLife.OPEN and len(p.signatures) >= p.draft.threshold:
            p.life = PetitionLife.THRESHOLD_REACHED
        return Signing(SigningOutcome.SIGNED, now)

    async def withdraw_signature(self, code: str) -> bool:
        p = self._find(code)
        if p is None or not self.collecting(p) or self._signed_at(p) is None:
            return False
        p.signatures = [s for s in p.signatures if s.resident_id != self.here.me]
        return True

    async def support_petition(self, code: str) -> Signing:
        p = self._find(code)
        if p is None or not self.collecting(p) or p.draft.kind is not PetitionKind.ASSOCIATION:
            return Signing(SigningOutcome.NOT_OPEN)
        if (mine := self._signed_at(p)) is not None:
            return Signing(SigningOutcome.ALREADY, mine)
        now = self.here.clock()
        # A support is kept as a signature without name nor CIN.
        p.signatures.append(Signature(self.here.me, "", "", "", now))
        return Signing(SigningOutcome.SIGNED, now)

    async def associations(self, commune: str) -> Sequence[Group]:
        found = self.here.world.groups
        return [g for g in found if g.commune_code == commune and g.kind is GroupKind.ASSOCIATION]

    async def my_signatures(self) -> Sequence[Card]:
        signed = [(at, p) for p in self.here.world.petitions if (at := self._signed_at(p))]
        signed.sort(key=lambda item: item[0], reverse=True)
        return [self._card(p, at) for at, p in signed]

    async def draft_petition(self, draft: PetitionDraft) -> str:
        self._must_organize()
        world = self.here.world
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        number = len(world.petitions) + 1
        world.petitions.append(
            Petition(number, code, draft, PetitionLife.DRAFT, str(self.here.address))
        )
        return code

    async def publish_petition(self, code: str) -> None:
        self._must_organize()
        p = self._find(code)
        if p is None or p.life is not PetitionLife.DRAFT:
            raise ValueError(f"{code} is not a draft")
        if self.here.clock().astimezone(MOROCCO).date() > p.draft.deadline:
            raise ValueError(f"{code}'s last day has passed: it cannot be opened")
        p.life = PetitionLife.OPEN

    def _must_organize(self) -> None:
        if not self.here.scope():
            raise PermissionError(f"{self.here.address.channel} resident is not an organizer")
