"""Many residents of one commune inserted at once, and an announcement planned for them."""

from __future__ import annotations

from sqlalchemy import insert

from conversations.groups import Audience
from conversations.text import Verbatim
from storage import announcements
from storage.announcements import Kind
from storage.database import Database
from storage.models import RESIDENT
from tests.support.clock import Clock

COMMUNE = "141.01.61"


async def add_residents(
    db: Database,
    clock: Clock,
    count: int,
    commune: str = COMMUNE,
    channel: str = "console",
    prefix: str = "r",
) -> None:
    """``count`` residents of ``commune`` on ``channel``, user ids ``prefix`` 0, 1, 2..."""
    rows = [
        {
            "channel": channel,
            "user_id": f"{prefix}{i}",
            "language": "fr",
            "commune_code": commune,
            "pushes_enabled": True,
            "created_at": clock(),
        }
        for i in range(count)
    ]
    async with db.transaction() as tx:
        await tx.run(lambda conn: conn.execute(insert(RESIDENT), rows))


async def plan(db: Database, clock: Clock, text: str, audience: Audience | None = None) -> int:
    async with db.transaction() as tx:
        return await tx.run(
            announcements.create,
            Kind.BROADCAST,
            audience or Audience(COMMUNE),
            Verbatim(text).to_json(),
            clock(),
            "test",
            clock(),
        )
