"""The inbox of processed message ids: kept long enough to drop every redelivery, then forgotten.

Telegram redelivers an update for up to 24 hours and Twilio retries within minutes; a week of
ids is a wide margin, and without forgetting the table would grow with every message forever.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Connection, delete

from storage.database import Database
from storage.models import INBOX

KEEP = timedelta(days=7)


def _forget(conn: Connection, before: datetime) -> int:
    return int(conn.execute(delete(INBOX).where(INBOX.c.received_at < before)).rowcount)


async def forget_old_messages(db: Database, now: datetime) -> int:
    """Delete the ids of messages received more than `KEEP` ago; returns how many."""
    async with db.transaction() as tx:
        return await tx.run(_forget, now - KEEP)
