"""Unfinished conversations are not kept forever: their answers go after a week of silence.

A resident who stops halfway through signing leaves their name and sealed CIN in the
conversation state; one who stops a report leaves its description. Law 09-08 asks that data be
kept no longer than needed, so a conversation silent for `KEEP` returns to the menu, empty.
A voice note kept as it arrived and held by nothing a day after that (sent where nothing was
asked, or in a report never sent) is deleted too.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Connection, or_, update

from storage import media
from storage.database import Database
from storage.models import CONVERSATION

KEEP = timedelta(days=7)
# A voice note unused this long is in no conversation either: `KEEP` has emptied them.
VOICE_KEEP = KEEP + timedelta(days=1)


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


async def forget_unused_voices(db: Database, now: datetime) -> int:
    """Delete the voice notes nothing holds, kept since `VOICE_KEEP` ago; returns how many."""
    return await media.sweep_voices(db, now - VOICE_KEEP)
