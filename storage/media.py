"""Photos sent with organizers' updates: stored once, loaded by id for a batch of deliveries,
and the photos sent in the chat that wait, as their platform's reference, to be fetched; and
residents' voice notes, kept as they arrive, deleted with what they answered.

A photo stored twice (the same bytes) is kept once: its SHA-256 finds the first copy. A voice
note's name is made from its message, so only a retry of that message finds it again.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, delete, select, update

from conversations.desk import Fetchable
from conversations.kit import Attachment
from conversations.voice import stored_id
from storage.announcements import State
from storage.database import Database
from storage.dialect import inserted_id
from storage.models import (
    ANNOUNCEMENT,
    ANSWER,
    CONVERSATION,
    MEDIA,
    PROMPT,
    QUESTION,
    QUESTION_MESSAGE,
    REPORT_MEDIA,
)


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


# The names of residents' voice notes start so: only they are swept when no longer used.
VOICE_PREFIX = "voice-"
# A kept voice note's reference inside a conversation's saved data (JSON).
STORED_REF = re.compile(r"stored:[0-9]{1,18}")


def kept_file(conn: Connection, channel: str, ref: str, content_type: str) -> Fetchable | None:
    """A resident's file as the dashboard serves it: the bytes Hayna kept (with the type they
    were stored as), or where to fetch it; None when the bytes kept are gone."""
    media_id = stored_id(ref)
    if media_id is None:
        return Fetchable(channel, ref, content_type)
    found = _load(conn, [media_id]).get(media_id)
    return None if found is None else Fetchable(channel, ref, found.content_type, found.data)


def voice_files(conn: Connection, refs: Iterable[str | None], stem: str) -> list[Attachment]:
    """The voice notes Hayna kept among ``refs``, in their order, as files named from
    ``stem`` (a platform's reference is left out: nothing to send)."""
    ids = [i for i in (stored_id(ref) for ref in refs) if i is not None]
    found = _load(conn, ids)
    kept = [found[i] for i in ids if i in found]
    return [
        Attachment(f"{stem}-{n}.{_extension(v.filename)}", v.content_type, v.data)
        for n, v in enumerate(kept, start=1)
    ]


def _extension(filename: str) -> str:
    return filename.rpartition(".")[2] or "ogg"


async def keep_voice(
    db: Database, filename: str, content_type: str, data: bytes, now: datetime
) -> int:
    """Keep a resident's voice note (already checked to be sound of at most 2 MB), in a
    transaction of its own; returns its id."""
    async with db.transaction() as tx:
        return await tx.run(store, VOICE_PREFIX + filename, content_type, data, now)


def drop_voices(conn: Connection, refs: Iterable[str | None]) -> int:
    """Delete the voice notes these references name (others are the platforms'); how many."""
    ids = {i for i in (stored_id(ref) for ref in refs) if i is not None}
    if not ids:
        return 0
    gone = delete(MEDIA).where(MEDIA.c.id.in_(ids), MEDIA.c.filename.startswith(VOICE_PREFIX))
    return int(conn.execute(gone).rowcount)


def _used_voices(conn: Connection) -> set[int]:
    """The voice notes a report, an answer or a question still holds, a conversation holds in
    a draft (paused, or not yet finished: retention empties those silent for 7 days), or a
    prompt sent in the chat waits to be read from."""
    columns = (
        REPORT_MEDIA.c.ref,
        ANSWER.c.voice,
        QUESTION.c.media_ref,
        QUESTION_MESSAGE.c.media_ref,
        PROMPT.c.ref,
    )
    used: set[int] = set()
    for column in columns:
        refs = conn.execute(select(column).where(column.startswith("stored:"))).scalars()
        used.update(i for i in (stored_id(ref) for ref in refs) if i is not None)
    drafts = select(CONVERSATION.c.data).where(CONVERSATION.c.data.contains("stored:"))
    for data in conn.execute(drafts).scalars():
        used.update(i for i in map(stored_id, STORED_REF.findall(data)) if i is not None)
    return used


def _sweep(conn: Connection, before: datetime) -> int:
    old = conn.execute(
        select(MEDIA.c.id).where(
            MEDIA.c.filename.startswith(VOICE_PREFIX), MEDIA.c.created_at < before
        )
    ).scalars()
    unused = set(old) - _used_voices(conn)
    if not unused:
        return 0
    return int(conn.execute(delete(MEDIA).where(MEDIA.c.id.in_(unused))).rowcount)


async def sweep_voices(db: Database, before: datetime) -> int:
    """Delete the voice notes kept before ``before`` that nothing holds any more (sent where no
    answer was asked, in a report never sent, or in a conversation since forgotten)."""
    async with db.transaction() as tx:
        return await tx.run(_sweep, before)
