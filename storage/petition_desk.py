"""An organizer's petitions on the dashboard, within their scope: the list, one petition's page,
drafting (an association's petition by one of the scope's associations), its moves, an
association's petition's checklist and its filing's files.

Each call is one transaction under the signed-in organizer's authority (storage/services/
authority.py). Drafts, moves, ticks and filings go through storage/operator.py, as `hayna petitions`
does, so the dashboard and the command line check the same rules and audit alike; a petition
of a commune outside the scope is refused there, and the try is in the audit log.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date, datetime

from conversations.answer_clock import Deposit
from conversations.association import CheckItem
from conversations.groups import Group
from conversations.kit import MOROCCO, Address
from conversations.paper import Entered, PaperSignature
from conversations.petition import PetitionDraft, PetitionLife, default_threshold, petition_code
from conversations.petition_desk import (
    CONTENT_TYPES,
    Download,
    FilingKind,
    PetitionLine,
    PetitionPage,
)
from conversations.petition_rules import PetitionRefusal, PetitionWhy
from conversations.petition_terms import DEFAULT_TERMS, PetitionTerms
from conversations.report import Category
from conversations.signed import Done, Outcome, Signed
from storage import petition_views, petitions
from storage.acting import Acting, unreached
from storage.database import Database
from storage.filing import written
from storage.gazetteer import Gazetteer
from storage.operator import Operator
from storage.petitions import EnteredOnPaper
from storage.vault import Vault

# What the audit log calls a refused look at a petition.
SEE = "see_petition"
# Storage's words for a petition that is not there, or has nothing to file.
_MISSING = frozenset({PetitionWhy.NO_PETITION, PetitionWhy.UNFILED})


def threshold_for(gazetteer: Gazetteer, commune: str) -> int:
    """The signatures a petition of the commune needs by default (the command line's too)."""
    found = gazetteer.get(commune)
    return default_threshold(found.kind if found else "")


class SqlPetitionDesk:
    """`PetitionDesk` on SQL: the organizer's petitions, one transaction per call."""

    def __init__(
        self,
        db: Database,
        gazetteer: Gazetteer,
        vault: Vault,
        organizers: frozenset[Address],
        clock: Callable[[], datetime],
        terms: PetitionTerms = DEFAULT_TERMS,
    ) -> None:
        self.gazetteer = gazetteer
        self.vault = vault
        self.terms = terms
        self._acting = Acting(db, organizers, clock)

    async def petitions(
        self, who: Signed, life: PetitionLife | None, category: Category | None = None
    ) -> tuple[PetitionLine, ...]:
        async with self._acting(who) as op:
            scope = await op.authority.scope()
            return await op.tx.run(petition_views.lines, scope, life, op.now, category)

    async def petition(self, who: Signed, code: str) -> PetitionPage | Done:
        code = petition_code(code)
        async with self._acting(who) as op:
            if not await op.reaches_petition(code, SEE):
                return unreached(op, _MISSING)
            found = await op.tx.run(petition_views.page, code, op.now)
        return found if found is not None else Done.MISSING

    async def communes(self, who: Signed) -> tuple[str, ...] | None:
        async with self._acting(who) as op:
            scope = await op.authority.scope()
        return None if scope.everywhere else tuple(sorted(scope.communes))

    def default_threshold(self, commune: str) -> int:
        return threshold_for(self.gazetteer, commune)

    async def draft(self, who: Signed, draft: PetitionDraft) -> str | PetitionRefusal | Done:
        if self.gazetteer.get(draft.commune_code) is None:
            return Done.MISSING
        async with self._acting(who) as op:
            code = await op.draft_petition(draft, self.terms.checklist)
        if code is not None:
            return code
        refusal = op.refusal
        return refusal if isinstance(refusal, PetitionRefusal) else Done.REFUSED

    async def move(
        self,
        who: Signed,
        code: str,
        life: PetitionLife,
        note: str,
        receipt: str = "",
        deposited: date | None = None,
    ) -> Outcome:
        async with self._acting(who) as op:
            deposit = None
            if life is PetitionLife.FILED:
                day = deposited or op.now.astimezone(MOROCCO).date()
                deposit = Deposit(receipt, day, self.terms.answer_months)
            moved = await op.move_petition(petition_code(code), life, note.strip(), deposit)
        if moved is None:
            return _refused(op)
        return Outcome(Done.DONE, told=moved[1])

    async def associations(self, who: Signed) -> tuple[Group, ...]:
        async with self._acting(who) as op:
            scope = await op.authority.scope()
            return await op.tx.run(petition_views.associations, scope)

    async def tick(self, who: Signed, code: str, item: CheckItem, ticked: bool) -> Outcome:
        async with self._acting(who) as op:
            checks = await op.tick_checklist(petition_code(code), ((item, ticked),))
        return Outcome(Done.DONE) if checks is not None else _refused(op)

    async def add_paper(self, who: Signed, code: str, paper: PaperSignature) -> Entered:
        async with self._acting(who) as op:
            entered = await op.add_paper(petition_code(code), paper, self.vault)
        if isinstance(entered, EnteredOnPaper) and entered.unsettled is not None:
            # A threshold this line reached is crossed now, not at the next hourly round.
            async with self._acting.db.transaction() as tx:
                await tx.run(petitions.settle, entered.unsettled, None, op.now)
        return entered

    async def filing(self, who: Signed, code: str, kind: FilingKind) -> Download | Done:
        async with self._acting(who) as op:
            found = await op.petition_filing(petition_code(code), self.vault, self.gazetteer)
        if found is None:
            return unreached(op, _MISSING)
        # A PDF of many signatures takes a moment to lay out: away from the event loop.
        data = await asyncio.to_thread(written, found, kind, op.now)
        return Download(data, f"petition-{found.code}.{kind}", CONTENT_TYPES[kind])


def _refused(op: Operator) -> Outcome:
    """What a refused move or tick of ``op`` was; INVALID with the rule's `PetitionWhy`."""
    done = unreached(op, _MISSING)
    refusal = op.refusal
    why = refusal.why.value if isinstance(refusal, PetitionRefusal) else ""
    return Outcome(done, why=why if done is Done.INVALID else "")
