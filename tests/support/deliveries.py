"""An outbox that records its pushes, and a resident added straight into the database."""

from __future__ import annotations

from sqlalchemy import Connection, select

from conversations.kit import Address, Outgoing
from conversations.seams import Push
from conversations.text import _
from storage.database import Database
from storage.dialect import insert_ignore
from storage.models import RESIDENT
from tests.support.clock import Clock

NEWS = _("Notifications are on again.")


class RecordingOutbox:
    """An outbox that records what it sends and fails on demand."""

    channel = "console"

    def __init__(self) -> None:
        self.sent: list[tuple[Address, Outgoing]] = []
        self.failures: list[Exception] = []

    async def send(self, push: Push) -> str | None:
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append((push.address, push.message))
        return None


async def add_resident(db: Database, clock: Clock, user: str, language: str | None) -> int:
    async with db.transaction() as tx:

        def insert(conn: Connection) -> int:
            insert_ignore(
                conn,
                RESIDENT,
                channel="console",
                user_id=user,
                language=language,
                pushes_enabled=True,
                created_at=clock(),
            )
            # Only the id: a database left at an old revision lacks later columns.
            found = conn.execute(select(RESIDENT.c.id).where(RESIDENT.c.user_id == user))
            return int(found.scalar_one())

        return await tx.run(insert)
