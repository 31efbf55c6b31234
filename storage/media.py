"""Photos sent with organizers' updates: stored once, loaded by id for a batch of deliveries.

A photo stored twice (the same bytes) is kept once: its SHA-256 finds the first copy.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, select

from storage.database import Database
from storage.dialect import inserted_id
from storage.models import MEDIA


@dataclass(frozen=True, slots=True)
class StoredMedia:
    id: int
    filename: str
    content_type: str
    data: bytes


def store(conn: Connection, filename: str, content_type: str, data: bytes, now: datetime) -> int:
    """Keep a photo (already checked to be one); returns its id."""
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
            filename=filename[:120],
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
