"""Files sent with replies, kept for a few minutes behind a secret token so a platform that only
attaches by URL (WhatsApp through Twilio) can fetch them; then forgotten.

Only the token's SHA-256 is stored: a copy of the database does not open the files.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import Connection, delete, select

from conversations.kit import Address, Attachment
from conversations.personal import MyDownload
from storage.database import Database
from storage.models import DOWNLOAD, RESIDENT
from storage.personal_rows import Rows, when
from storage.subject import Subject
from storage.vault import Vault

# Long enough for Twilio to fetch the file (and retry), short enough that a leaked link is stale.
KEEP = timedelta(minutes=15)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _offer(
    conn: Connection, address: Address, attachment: Attachment, now: datetime, keep: timedelta
) -> str | None:
    resident_id = conn.execute(
        select(RESIDENT.c.id).where(
            RESIDENT.c.channel == address.channel, RESIDENT.c.user_id == address.user
        )
    ).scalar()
    if resident_id is None:
        return None
    token = secrets.token_urlsafe(32)
    conn.execute(
        DOWNLOAD.insert().values(
            token_hash=_digest(token),
            resident_id=resident_id,
            filename=attachment.filename,
            content_type=attachment.content_type,
            data=attachment.data,
            created_at=now,
            expires_at=now + keep,
        )
    )
    return token


async def offer(
    db: Database, address: Address, attachment: Attachment, now: datetime, keep: timedelta = KEEP
) -> str | None:
    """Keep ``attachment`` for the resident at ``address`` until ``now + keep``; returns the
    token that fetches it (None when no such resident is stored)."""
    async with db.transaction() as tx:
        return await tx.run(_offer, address, attachment, now, keep)


def _fetch(conn: Connection, token: str, now: datetime) -> Attachment | None:
    row = conn.execute(
        select(DOWNLOAD.c.filename, DOWNLOAD.c.content_type, DOWNLOAD.c.data).where(
            DOWNLOAD.c.token_hash == _digest(token), DOWNLOAD.c.expires_at > now
        )
    ).first()
    return None if row is None else Attachment(row.filename, row.content_type, bytes(row.data))


async def fetch(db: Database, token: str, now: datetime) -> Attachment | None:
    """The file behind ``token``, unless it is unknown or expired."""
    async with db.transaction() as tx:
        return await tx.run(_fetch, token, now)


def _forget(conn: Connection, now: datetime) -> int:
    return int(conn.execute(delete(DOWNLOAD).where(DOWNLOAD.c.expires_at <= now)).rowcount)


async def forget_expired_downloads(db: Database, now: datetime) -> int:
    """Delete the files whose time is up; returns how many."""
    async with db.transaction() as tx:
        return await tx.run(_forget, now)


def downloads(conn: Connection, who: Subject, _vault: Vault) -> Rows:
    """What "my data" says of the files waiting: their names and times, not their contents
    (each is itself a copy of the resident's data)."""
    rows = conn.execute(
        select(DOWNLOAD.c.filename, DOWNLOAD.c.created_at, DOWNLOAD.c.expires_at)
        .where(DOWNLOAD.c.resident_id == who.resident_id)
        .order_by(DOWNLOAD.c.id)
    )
    return [MyDownload(name, when(created), when(expires)) for name, created, expires in rows]


def erase_downloads(conn: Connection, who: Subject, _now: datetime) -> None:
    conn.execute(delete(DOWNLOAD).where(DOWNLOAD.c.resident_id == who.resident_id))
