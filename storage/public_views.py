"""Petitions as their public pages show them (never a draft, never a signer), and the class that
reads them for `hayna serve`, one transaction each, and makes their posters."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Connection, select

from conversations.petition import PetitionLife, petition_code
from conversations.petition_desk import days_left
from conversations.public import PublicPetition
from storage import petitions
from storage.database import Database
from storage.gazetteer import Gazetteer
from storage.models import PETITION


def public(
    conn: Connection, code: str, now: datetime, gazetteer: Gazetteer
) -> PublicPetition | None:
    """The petition of ``code`` as anyone may read it; None when there is none or a draft."""
    row = conn.execute(select(*petitions.CARDS).where(PETITION.c.code == code)).first()
    if row is None or row.status == PetitionLife.DRAFT:
        return None
    commune = gazetteer.get(row.commune_code)
    return PublicPetition(
        code=row.code,
        title=row.title,
        summary=row.summary,
        body=row.body,
        requests=row.requests,
        commune_code=row.commune_code,
        commune_ar=commune.name_ar if commune else row.commune_code,
        commune_fr=commune.name_fr if commune else row.commune_code,
        signatures=row.signatures,
        paper=petitions.paper_count(conn, row.id),
        threshold=row.threshold,
        deadline=row.deadline,
        days_left=days_left(row.deadline, now),
        life=PetitionLife(row.status),
        kind=petitions.kind_of(row.kind),
        association=row.association or "",
    )


class SqlPublicPetitions:
    """`PublicPetitions` on SQL: no session, no authority, only what a petition shows anyone."""

    def __init__(self, db: Database, gazetteer: Gazetteer, clock: Callable[[], datetime]) -> None:
        self.db = db
        self.gazetteer = gazetteer
        self.clock = clock

    async def petition(self, code: str) -> PublicPetition | None:
        # What cannot be a code (a NUL, a page of text) is not looked up at all.
        code = petition_code(code)
        if not code:
            return None
        async with self.db.transaction() as tx:
            return await tx.run(public, code, self.clock(), self.gazetteer)

    def poster(self, petition: PublicPetition, url: str) -> bytes:
        # fpdf and segno are loaded by the first poster asked for, not by every process.
        from storage.poster_pdf import to_poster

        return to_poster(petition, url)
