"""The demo set in SQL (its contents are in bot/demo.py): loaded once, in one transaction, and
marked by a resident of its own that no one writes from."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import Connection, select

from conversations.kit import Address
from conversations.petition import PetitionDraft, PetitionLife
from conversations.report import Draft
from storage import petitions, reports
from storage.database import Database
from storage.dialect import insert_ignore
from storage.models import RESIDENT

ACTOR = "demo"


def load(
    conn: Connection,
    marker: Address,
    drafts: Sequence[PetitionDraft],
    reported: Sequence[Draft],
    now: datetime,
) -> list[str] | None:
    """Open the petitions and file the reports (a day apart, the latest yesterday) unless the
    marker resident exists already; returns the petitions' codes, or None when loaded before."""
    if not insert_ignore(
        conn,
        RESIDENT,
        channel=marker.channel,
        user_id=marker.user,
        language="fr",
        pushes_enabled=False,
        created_at=now,
    ):
        return None
    resident_id = conn.execute(
        select(RESIDENT.c.id).where(
            RESIDENT.c.channel == marker.channel, RESIDENT.c.user_id == marker.user
        )
    ).scalar_one()
    codes = []
    for draft in drafts:
        code = petitions.create(conn, draft, ACTOR, now)
        petitions.move(conn, code, PetitionLife.OPEN, "", ACTOR, now)
        codes.append(code)
    for i, report in enumerate(reported):
        reports.file(conn, resident_id, report, now - timedelta(days=i + 1))
    return codes


async def load_once(
    db: Database,
    marker: Address,
    drafts: Sequence[PetitionDraft],
    reported: Sequence[Draft],
    now: datetime,
) -> list[str] | None:
    """`load` in a transaction of its own."""
    async with db.transaction() as tx:
        return await tx.run(load, marker, drafts, reported, now)
