"""The organizers' petitions desk: what the dashboard's petition pages read and do, as plain
data and a Protocol.

`storage` implements `PetitionDesk` within the signed-in organizer's scope, with the rules of
conversations/petition_rules.py and the checks and audit of the command line; the pages show
what it returns and say its refusals in the organizer's language.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Protocol

from conversations.answer_clock import Awaiting
from conversations.association import Check, CheckItem
from conversations.groups import Group
from conversations.paper import Entered, PaperSignature
from conversations.petition import PetitionDraft, PetitionKind, PetitionLife
from conversations.petition_rules import FILED, PetitionRefusal
from conversations.report import Category
from conversations.signed import Done, Outcome, Signed


def days_left(deadline: datetime, now: datetime) -> int:
    """Whole days until the last moment to sign, a started day counting as one; 0 once past."""
    return max(0, math.ceil((deadline - now) / timedelta(days=1)))


@dataclass(frozen=True, slots=True)
class PetitionLine:
    """A petition in the list, with its exact count (as `hayna petitions list` shows it)."""

    code: str
    title: str
    life: PetitionLife
    commune_code: str
    signatures: int
    threshold: int
    # The last moment to sign, and the days left until it.
    deadline: datetime
    days_left: int
    # Filed and awaiting the council's answer: since when, until when (None otherwise).
    clock: Awaiting | None = None
    category: Category = Category.OTHER
    # An association's petition counts supports in `signatures` and has no threshold (0).
    kind: PetitionKind = PetitionKind.RESIDENTS
    association: str = ""


@dataclass(frozen=True, slots=True)
class Move:
    """One step of a petition's life: where it went, the note told to signers, by whom, when."""

    life: PetitionLife
    note: str
    actor: str
    at: datetime


@dataclass(frozen=True, slots=True)
class PetitionPage:
    """A petition as organizers see it, with its history, its signatures day by day and the
    moves its life allows now."""

    line: PetitionLine
    summary: str
    body: str
    requests: str
    representative: str
    history: tuple[Move, ...]
    # (Moroccan day, signatures counted by the end of it), oldest first; days without a new
    # signature are left out.
    curve: tuple[tuple[date, int], ...]
    moves: tuple[PetitionLife, ...]
    # Of the signatures, those collected on paper and entered by an organizer.
    paper: int = 0
    # An association's petition: the day its declaration was received, the whole years since
    # then as of today, and its checklist in order (conversations/association.py).
    declared_on: date | None = None
    declared_years: int | None = None
    checklist: tuple[Check, ...] = ()

    @property
    def unticked(self) -> tuple[Check, ...]:
        """The checklist's items still to tick before it can be filed."""
        return tuple(check for check in self.checklist if not check.ticked)

    @property
    def offered(self) -> tuple[PetitionLife, ...]:
        """The moves the page offers: an association's petition is filed once every item of
        its checklist is ticked."""
        if not self.unticked:
            return self.moves
        return tuple(life for life in self.moves if life is not PetitionLife.FILED)

    @property
    def checkable(self) -> bool:
        """Whether its checklist may still change: it has one, and it is not filed nor closed
        (once filed, the file is with the commune as it was ticked)."""
        ended = self.line.life in FILED or self.line.life is PetitionLife.CLOSED
        return bool(self.checklist) and not ended

    def short_of_years(self, check: Check) -> bool:
        """Whether ``check`` asks for more years of existence than the declaration has: said as
        a warning, never a refusal, since the figure is commonly cited, not verified law."""
        years = self.declared_years
        return check.item is CheckItem.EXISTENCE and years is not None and years < check.years


class FilingKind(StrEnum):
    CSV = "csv"
    PDF = "pdf"


CONTENT_TYPES = {FilingKind.CSV: "text/csv; charset=utf-8", FilingKind.PDF: "application/pdf"}


@dataclass(frozen=True, slots=True)
class Signatory:
    """One signature as it goes to the commune: the CIN already decrypted, the moment in UTC."""

    full_name: str
    cin: str
    signed_at: datetime
    # On paper: the sheet, and the day it was signed there (`signed_at` is when it was entered).
    on_paper: bool = False
    sheet: str = ""
    signed_on: date | None = None


@dataclass(frozen=True, slots=True)
class AssociationFiling:
    """What an association's filing shows instead of signatories: the association, the day its
    declaration was received, its checklist as ticked, and how many residents support it (a
    count, with no names nor CINs: no legal signature)."""

    name: str
    declared_on: date
    checks: tuple[Check, ...]
    supports: int


@dataclass(frozen=True, slots=True)
class Filing:
    """What a filing shows: the petition, its commune, and its signatories in signing order;
    for an association's petition, the association instead (`signatories` is then empty)."""

    code: str
    title: str
    summary: str
    body: str
    requests: str
    representative: str
    commune_ar: str
    commune_fr: str
    province_fr: str
    threshold: int
    deadline: date
    opened_at: datetime
    signatories: tuple[Signatory, ...]
    association: AssociationFiling | None = None


@dataclass(frozen=True, slots=True)
class Download:
    """A petition's filing as a file: the same bytes as `hayna petitions export`."""

    data: bytes
    filename: str
    content_type: str


class PetitionDesk(Protocol):
    """An organizer's petitions, one transaction per call, within their scope."""

    async def petitions(
        self, who: Signed, life: PetitionLife | None, category: Category | None = None
    ) -> tuple[PetitionLine, ...]:
        """The scope's petitions, drafts included, the newest first, those whose council's
        answer is overdue before them."""
        ...

    async def petition(self, who: Signed, code: str) -> PetitionPage | Done:
        """The petition, or MISSING, or REFUSED when it is outside the scope (audited)."""
        ...

    async def communes(self, who: Signed) -> tuple[str, ...] | None:
        """The communes the organizer may draft a petition for; None for everywhere."""
        ...

    def default_threshold(self, commune: str) -> int:
        """The signatures a petition of the commune needs when the organizer gives none."""
        ...

    async def draft(self, who: Signed, draft: PetitionDraft) -> str | PetitionRefusal | Done:
        """The new draft's code; the rule it breaks; MISSING for an unknown commune, REFUSED
        outside the scope (audited), as `hayna petitions create` checks."""
        ...

    async def move(
        self,
        who: Signed,
        code: str,
        life: PetitionLife,
        note: str,
        receipt: str = "",
        deposited: date | None = None,
    ) -> Outcome:
        """The same rules and notices as `hayna petitions publish|file|decide|answer|close`
        (filing with the commune's ``receipt`` and the ``deposited`` day, today by default);
        INVALID's `why` is the rule's `PetitionWhy`."""
        ...

    async def associations(self, who: Signed) -> tuple[Group, ...]:
        """The groups of kind association of the organizer's communes (everywhere: every one
        stored), that an association's petition may be filed by, by commune and name."""
        ...

    async def tick(self, who: Signed, code: str, item: CheckItem, ticked: bool) -> Outcome:
        """Tick (or untick) an item of an association's petition's checklist, scope-checked
        and audited as a move; INVALID's `why` is the rule's `PetitionWhy` (NOT_ON_CHECKLIST,
        or NOT_A_MOVE once it is filed)."""
        ...

    async def filing(self, who: Signed, code: str, kind: FilingKind) -> Download | Done:
        """The filing, or MISSING (also for a draft, which has none), or REFUSED (audited)."""
        ...

    async def add_paper(self, who: Signed, code: str, paper: PaperSignature) -> Entered:
        """Count a signature collected on paper, as `hayna petitions add-paper` does."""
        ...
