"""Voice prompts: each recording stored once per prompt and spoken language, the newest one
standing (a new recording replaces the old), the ones sent in the chat waiting as their
platform's reference to be fetched, and the recordings looked up as replies go out."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, delete, select

from conversations.audio import Recording
from conversations.kit import Attachment
from conversations.voice import EXTENSIONS
from storage import groups
from storage.database import Database
from storage.dialect import inserted_id
from storage.models import PROMPT

_RECORDED = PROMPT.c.bytes.is_not(None)


@dataclass(frozen=True, slots=True)
class StoredPrompt:
    """A recording, without its bytes: what `hayna prompts list` shows."""

    key: str
    language: str
    content_type: str
    seconds: float
    size: int
    created_at: datetime


@dataclass(frozen=True, slots=True)
class WaitingPrompt:
    """A prompt sent in the chat, still on the platform it was sent on."""

    id: int
    key: str
    language: str
    channel: str
    ref: str
    created_at: datetime


def _keep(
    conn: Connection,
    key: str,
    language: str,
    data: bytes,
    recording: Recording,
    now: datetime,
) -> int:
    conn.execute(
        delete(PROMPT).where(PROMPT.c.key == key, PROMPT.c.language == language, _RECORDED)
    )
    return inserted_id(
        conn,
        PROMPT.insert().values(
            key=key,
            language=language,
            content_type=recording.content_type,
            bytes=data,
            seconds=recording.seconds,
            created_at=now,
        ),
    )


async def add(
    db: Database,
    key: str,
    language: str,
    data: bytes,
    recording: Recording,
    now: datetime,
    by: str,
) -> int:
    """Keep ``data`` (already read as ``recording``) as prompt ``key`` in ``language``, in the
    audit log under ``by``."""
    async with db.transaction() as tx:
        await tx.run(groups.audit, None, by, "record_prompt", f"{key}/{language}", True, now)
        return await tx.run(_keep, key, language, data, recording, now)


def wait(
    conn: Connection,
    key: str,
    language: str,
    channel: str,
    ref: str,
    now: datetime,
) -> None:
    """Note a voice note sent in the chat as prompt ``key``, to be fetched outside the message's
    transaction (a download must not hold the database)."""
    conn.execute(
        PROMPT.insert().values(
            key=key,
            language=language,
            content_type="",
            channel=channel,
            ref=ref,
            created_at=now,
        )
    )


def _remove(conn: Connection, key: str, language: str) -> int:
    found = conn.execute(
        delete(PROMPT).where(PROMPT.c.key == key, PROMPT.c.language == language)
    ).rowcount
    return int(found or 0)


async def remove(db: Database, key: str, language: str, now: datetime, by: str) -> int:
    """Forget prompt ``key`` in ``language`` (and any recording of it still waiting)."""
    async with db.transaction() as tx:
        await tx.run(groups.audit, None, by, "remove_prompt", f"{key}/{language}", True, now)
        return await tx.run(_remove, key, language)


def recorded(conn: Connection, language: str) -> frozenset[str]:
    rows = conn.execute(select(PROMPT.c.key).where(PROMPT.c.language == language, _RECORDED))
    return frozenset(rows.scalars())


def _stored(conn: Connection) -> list[StoredPrompt]:
    rows = conn.execute(
        select(
            PROMPT.c.key,
            PROMPT.c.language,
            PROMPT.c.content_type,
            PROMPT.c.seconds,
            PROMPT.c.bytes,
            PROMPT.c.created_at,
        )
        .where(_RECORDED)
        .order_by(PROMPT.c.key, PROMPT.c.language)
    )
    return [
        StoredPrompt(
            r.key, r.language, r.content_type, r.seconds or 0.0, len(r.bytes), r.created_at
        )
        for r in rows
    ]


async def stored(db: Database) -> list[StoredPrompt]:
    """Every recording, by key then language."""
    async with db.transaction() as tx:
        return await tx.run(_stored)


def _waiting(conn: Connection, limit: int) -> list[WaitingPrompt]:
    rows = conn.execute(
        select(PROMPT).where(PROMPT.c.bytes.is_(None)).order_by(PROMPT.c.id).limit(limit)
    )
    return [
        WaitingPrompt(r.id, r.key, r.language, r.channel or "", r.ref or "", r.created_at)
        for r in rows
    ]


async def waiting(db: Database, limit: int = 5) -> list[WaitingPrompt]:
    async with db.transaction() as tx:
        return await tx.run(_waiting, limit)


def _settle(conn: Connection, prompt: WaitingPrompt, data: bytes, recording: Recording) -> None:
    if conn.execute(delete(PROMPT).where(PROMPT.c.id == prompt.id)).rowcount:
        _keep(conn, prompt.key, prompt.language, data, recording, prompt.created_at)


async def settle(db: Database, prompt: WaitingPrompt, data: bytes, recording: Recording) -> None:
    """The waiting prompt fetched and read: it becomes the recording."""
    async with db.transaction() as tx:
        await tx.run(_settle, prompt, data, recording)


async def give_up(db: Database, prompt: WaitingPrompt) -> None:
    async with db.transaction() as tx:
        await tx.run(lambda conn: conn.execute(delete(PROMPT).where(PROMPT.c.id == prompt.id)))


def _newest(conn: Connection, key: str, language: str) -> tuple[int, str] | None:
    row = conn.execute(
        select(PROMPT.c.id, PROMPT.c.content_type)
        .where(PROMPT.c.key == key, PROMPT.c.language == language, _RECORDED)
        .order_by(PROMPT.c.id.desc())
        .limit(1)
    ).first()
    return None if row is None else (int(row.id), row.content_type)


def _bytes(conn: Connection, prompt_id: int) -> bytes:
    return bytes(conn.execute(select(PROMPT.c.bytes).where(PROMPT.c.id == prompt_id)).scalar_one())


def _recording_of(conn: Connection, prompt_id: int) -> tuple[str, bytes] | None:
    row = conn.execute(
        select(PROMPT.c.content_type, PROMPT.c.bytes).where(PROMPT.c.id == prompt_id, _RECORDED)
    ).first()
    return None if row is None else (row.content_type, bytes(row.bytes))


async def recording_of(db: Database, prompt_id: int) -> tuple[str, bytes] | None:
    """A recording's content type and bytes by its id; None once replaced or removed."""
    async with db.transaction() as tx:
        return await tx.run(_recording_of, prompt_id)


class SqlVoices:
    """`Voices` on the prompt table: a recording's bytes are read once per process, and which
    recording stands is asked each time (another process may have replaced it). ``link`` gives
    a recording's public link, by its id and file name, for platforms that fetch by URL."""

    # Recordings kept in memory at most: 14 prompts in 4 languages, of at most 1 MB each.
    KEPT = 64

    def __init__(self, db: Database, link: Callable[[int, str], str] | None = None) -> None:
        self.db = db
        self.link = link
        self.kept: dict[int, bytes] = {}

    async def voice(self, key: str, language: str) -> Attachment | None:
        async with self.db.transaction() as tx:
            newest = await tx.run(_newest, key, language)
            if newest is None:
                return None
            prompt_id, content_type = newest
            data = self.kept.get(prompt_id)
            if data is None:
                data = await tx.run(_bytes, prompt_id)
                if len(self.kept) >= self.KEPT:
                    self.kept.clear()
                self.kept[prompt_id] = data
        name = f"{key}-{language}.{EXTENSIONS.get(content_type, 'ogg')}"
        url = self.link(prompt_id, name) if self.link is not None else ""
        return Attachment(name, content_type, data, url)
