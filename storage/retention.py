"""Unfinished conversations are not kept forever: their answers go after a week of silence.

A resident who stops halfway through signing leaves their name and sealed CIN in the
conversation state; one who stops a report leaves its description. Law 09-08 asks that data be
kept no longer than needed, so a conversation silent for `KEEP` returns to the menu, empty.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Connection, or_, update

from storage.database import Database
from storage.models import CONVERSATION

KEEP = timedelta(days=7)


def _forget(conn: Connection, before: datetime) -> int:
    statement = (
        update(CONVERSATION)
        .where(
            CONVERSATION.c.updated_at < before,
            or_(CONVERSATION.c.data != "{}", CONVERSATION.c.flow.is_not(None)),
        )
        .values(flow=None, step=None, data="{}", offered="[]", prompt="[]")
    )
    return int(conn.execute(statement).rowcount)


async def forget_abandoned_answers(db: Database, now: datetime) -> int:
    """Empty the conversations silent since `KEEP` ago; returns how many."""
    async with db.transaction() as tx:
        return await tx.run(_forget, now - KEEP)
