"""Processed message ids are forgotten after a week, never sooner."""

from __future__ import annotations

from sqlalchemy import select

from bot.app import build_engine
from storage.database import Database
from storage.inbox import KEEP, forget_old_messages
from storage.models import INBOX
from tests.resident import FakeResident
from tests.support.clock import Clock
from tests.support.vault import VAULT


async def test_old_ids_are_forgotten_recent_ones_kept(
    db: Database, gazetteer, clock: Clock
) -> None:
    resident = FakeResident(build_engine(db, gazetteer, VAULT, clock))
    await resident.say("salam", message_id="old")
    clock.advance(seconds=KEEP.total_seconds() + 60)
    await resident.say("1", message_id="recent")

    assert await forget_old_messages(db, clock()) == 1
    async with db.transaction() as tx:
        left = await tx.run(lambda conn: conn.execute(select(INBOX.c.message_id)).scalars().all())
    assert left == ["recent"]
    assert await resident.say("1", message_id="recent") == [], "a recent retry is still dropped"
    assert await forget_old_messages(db, clock()) == 0
