"""Photos sent with organizers' updates: stored once, loaded by id for a batch of deliveries,
and the photos sent in the chat that wait, as their platform's reference, to be fetched.

A photo stored twice (the same bytes) is kept once: its SHA-256 finds the first copy.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, select, update

from storage.announcements import State
from storage.database import Database
from storage.dialect import inserted_id
from storage.models import ANNOUNCEMENT, MEDIA


@dataclass(frozen=True, slots=True)
class StoredMedia:
    id: int
    filename: str
    content_type: str
    data: bytes


def store(conn: Connection, filename: str, content_type: str, data: bytes, now: datetime) -> int:
    """Keep a photo (already checked to be one); returns its id."""
    filename = filename[:120]
    digest = hashlib.sha256(data).hexdigest()
    same = conn.execute(
        select(MEDIA.c.id).where(
            MEDIA.c.sha256 == digest,
            MEDIA.c.content_type == content_type,
            MEDIA.c.filename == filename,
        )
    ).scalar()
    if same is not None:
        return int(same)
    return inserted_id(
        conn,
        MEDIA.insert().values(
            content_type=content_type,
            filename=filename,
            bytes=data,
            sha256=digest,
            created_at=now,
        ),
    )


def _load(conn: Connection, ids: Collection[int]) -> dict[int, StoredMedia]:
    rows = conn.execute(
        select(MEDIA.c.id, MEDIA.c.filename, MEDIA.c.content_type, MEDIA.c.bytes).where(
            MEDIA.c.id.in_(list(ids))
        )
    )
    return {r.id: StoredMedia(r.id, r.filename, r.content_type, bytes(r.bytes)) for r in rows}


async def load(db: Database, ids: Collection[int]) -> dict[int, StoredMedia]:
    """The photos with these ids, in one query; a deleted one is simply missing."""
    if not ids:
        return {}
    async with db.transaction() as tx:
        return await tx.run(_load, ids)


@dataclass(frozen=True, slots=True)
class Waiting:
    """An announcement whose photo is still on the platform the organizer sent it on."""

    announcement_id: int
    channel: str
    ref: str
    due_at: datetime


def _waiting(conn: Connection, limit: int) -> list[Waiting]:
    rows = conn.execute(
        select(
            ANNOUNCEMENT.c.id,
            ANNOUNCEMENT.c.photo_channel,
            ANNOUNCEMENT.c.photo_ref,
            ANNOUNCEMENT.c.due_at,
        )
        .where(ANNOUNCEMENT.c.photo_ref.is_not(None), ANNOUNCEMENT.c.status == State.SCHEDULED)
        .order_by(ANNOUNCEMENT.c.due_at, ANNOUNCEMENT.c.id)
        .limit(limit)
    )
    return [Waiting(r.id, r.photo_channel or "", r.photo_ref, r.due_at) for r in rows]


async def waiting(db: Database, limit: int = 5) -> list[Waiting]:
    """The next announcements whose photo is to be fetched, the soonest due first."""
    async with db.transaction() as tx:
        return await tx.run(_waiting, limit)


def _settle(conn: Connection, announcement_id: int, media_id: int | None) -> None:
    conn.execute(
        update(ANNOUNCEMENT)
        .where(ANNOUNCEMENT.c.id == announcement_id)
        .values(media_id=media_id, photo_channel=None, photo_ref=None)
    )


async def attach(
    db: Database, announcement_id: int, filename: str, content_type: str, data: bytes, now: datetime
) -> int:
    """Keep a fetched photo and hand it to its announcement, which may then be expanded."""
    async with db.transaction() as tx:
        media_id = await tx.run(store, filename, content_type, data, now)
        await tx.run(_settle, announcement_id, media_id)
    return media_id


async def give_up(db: Database, announcement_id: int) -> None:
    """Send the announcement's text without the photo that could not be fetched."""
    async with db.transaction() as tx:
        await tx.run(_settle, announcement_id, None)
