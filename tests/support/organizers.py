"""An organizer's invite code, and the organizer the drafting tests sign in as."""

from __future__ import annotations

from conversations.kit import Address
from storage import groups
from storage.database import Database
from tests.support.clock import Clock

ORGANIZER = Address("console", "org")


async def invite(db: Database, clock: Clock, commune: str, group: int | None = None) -> str:
    async with db.transaction() as tx:
        return await tx.run(groups.invite, commune, group, "admin", clock())
