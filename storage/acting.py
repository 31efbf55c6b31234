"""An organizer signed in to the dashboard, acting in one transaction: the `Operator` under their
authority (storage/services/authority.py), their scope read afresh each time."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from enum import StrEnum

from conversations.desk import Done, Signed
from conversations.kit import Address
from storage.database import Database
from storage.operator import Operator
from storage.services.authority import OrganizerAuthority


class Acting:
    """Opens a transaction in which ``who`` acts; every desk of the dashboard goes through it."""

    def __init__(
        self, db: Database, organizers: frozenset[Address], clock: Callable[[], datetime]
    ) -> None:
        self.db = db
        self.organizers = organizers
        self.clock = clock

    @asynccontextmanager
    async def __call__(self, who: Signed) -> AsyncIterator[Operator]:
        async with self.db.transaction() as tx:
            yield Operator(
                OrganizerAuthority(tx, self.clock, who.resident_id, who.address, self.organizers)
            )


def unreached(op: Operator, missing: frozenset[StrEnum]) -> Done:
    """What a refused action of ``op`` was: outside the scope (no refusal given), not there
    (a refusal whose reason is one of ``missing``), or against a rule."""
    refusal = op.refusal
    if refusal is None:
        return Done.REFUSED
    return Done.MISSING if getattr(refusal, "why", None) in missing else Done.INVALID
