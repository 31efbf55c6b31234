"""What the services of one message share: its transaction, the resident as its side effects so
far have left them, the clock, the keys and the gazetteer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, update

from conversations.association import DEFAULT_CHECKLIST, Checklist
from conversations.kit import Address, Resident
from storage.database import Tx
from storage.gazetteer import Gazetteer
from storage.models import RESIDENT
from storage.subject import Subject
from storage.vault import Vault

_CHANGE_RESIDENT = update(RESIDENT).where(RESIDENT.c.id == bindparam("_rid"))


def update_resident(conn: Connection, resident_id: int, values: dict[str, Any]) -> None:
    conn.execute(_CHANGE_RESIDENT, {"_rid": resident_id, **values})


class Bound:
    """One message's transaction, as every service of that message sees it."""

    def __init__(
        self,
        tx: Tx,
        address: Address,
        gazetteer: Gazetteer,
        vault: Vault,
        clock: Callable[[], datetime],
        organizers: frozenset[Address] = frozenset(),
        dashboard: str = "",
        checklist: Checklist = DEFAULT_CHECKLIST,
    ) -> None:
        self.tx = tx
        self.address = address
        self.gazetteer = gazetteer
        self.vault = vault
        self.clock = clock
        self.organizers = organizers
        # The dashboard's address, which its sign-in links start with.
        self.dashboard = dashboard
        # The checklist association petitions drafted in the chat get.
        self.checklist = checklist
        self._resident: Resident | None = None
        # Set once the resident erased their data: there is no state left to save.
        self.erased = False
        # Petitions whose threshold to check again once this unit is committed.
        self.unsettled: list[int] = []

    @property
    def resident(self) -> Resident:
        if self._resident is None:
            raise RuntimeError("open() the unit first")
        return self._resident

    @resident.setter
    def resident(self, resident: Resident) -> None:
        self._resident = resident

    async def change(self, values: dict[str, Any], **view: Any) -> None:
        """Change the resident's row and, alike, the resident the next side effects see."""
        await self.tx.run(update_resident, self.resident.id, values)
        self._resident = replace(self.resident, **view)

    @property
    def me(self) -> int:
        return self.resident.id

    @property
    def subject(self) -> Subject:
        return Subject(self.me, self.address)
