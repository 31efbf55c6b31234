"""Organizers' sign-in to the dashboard: one-time links and the sessions they open.

A link is a random token shown once (in the organizer's chat or the operator's terminal); only
its SHA-256 is stored, so a copy of the database opens nothing. Opening it uses it up and starts
a session, whose cookie is stored the same way; a session ends after hours without use, or at
once when its organizer signs out, stops organizing or erases their data (the rows cascade).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import Connection, delete, insert, select, update

from conversations.desk import LinkWhy, Opened, Signed
from conversations.kit import Address
from storage import groups
from storage.database import Database
from storage.models import RESIDENT, SIGN_IN_LINK, WEB_SESSION

LINK_VALID = timedelta(minutes=15)
IDLE_LIMIT = timedelta(hours=12)
# A session's last use is written at most this often: a page view need not write every time.
SEEN_EVERY = timedelta(minutes=1)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(conn: Connection, resident_id: int, now: datetime) -> str:
    """A new one-time link token for ``resident_id``, valid `LINK_VALID`."""
    token = secrets.token_urlsafe(32)
    conn.execute(
        insert(SIGN_IN_LINK).values(
            token_hash=_hash(token),
            resident_id=resident_id,
            created_at=now,
            expires_at=now + LINK_VALID,
        )
    )
    return token


def link_for(
    conn: Connection, address: Address, organizers: frozenset[Address], now: datetime
) -> tuple[str, str] | None:
    """A link token for the organizer writing from ``address``, and their chat language; None
    when nobody organizes from there (the operator's `hayna organizers login-link`)."""
    row = conn.execute(
        select(RESIDENT.c.id, RESIDENT.c.language).where(
            RESIDENT.c.channel == address.channel, RESIDENT.c.user_id == address.user
        )
    ).first()
    if row is None or not is_organizer(conn, row.id, address, organizers):
        return None
    return issue(conn, row.id, now), row.language or ""


def redeem(
    conn: Connection, token: str, now: datetime, organizers: frozenset[Address]
) -> Opened | LinkWhy:
    """Use up a link and open a session in its organizer's chat language; why not otherwise.

    The link row is locked, so two tabs opening the same link start one session."""
    link = conn.execute(
        select(SIGN_IN_LINK.c.resident_id, SIGN_IN_LINK.c.expires_at, SIGN_IN_LINK.c.used_at)
        .where(SIGN_IN_LINK.c.token_hash == _hash(token))
        .with_for_update()
    ).first()
    if link is None:
        return LinkWhy.UNKNOWN
    if link.used_at is not None:
        return LinkWhy.USED
    if link.expires_at <= now:
        return LinkWhy.EXPIRED
    conn.execute(
        update(SIGN_IN_LINK).where(SIGN_IN_LINK.c.token_hash == _hash(token)).values(used_at=now)
    )
    signed = _organizer(conn, link.resident_id, organizers)
    if signed is None:
        return LinkWhy.NOT_ORGANIZER
    session, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    conn.execute(
        insert(WEB_SESSION).values(
            id_hash=_hash(session),
            resident_id=link.resident_id,
            csrf=csrf,
            language=signed.language,
            created_at=now,
            seen_at=now,
        )
    )
    return Opened(session, csrf)


def is_organizer(
    conn: Connection, resident_id: int, address: Address, organizers: frozenset[Address]
) -> bool:
    """An organizer by HAYNA_ADMINS or by a stored scope, as storage/services/authority.py
    reads it."""
    return address in organizers or bool(groups.scope_of(conn, resident_id))


def _organizer(conn: Connection, resident_id: int, organizers: frozenset[Address]) -> Signed | None:
    row = conn.execute(
        select(RESIDENT.c.channel, RESIDENT.c.user_id, RESIDENT.c.language).where(
            RESIDENT.c.id == resident_id
        )
    ).first()
    if row is None:
        return None
    address = Address(row.channel, row.user_id)
    if not is_organizer(conn, resident_id, address, organizers):
        return None
    return Signed(resident_id, address, row.language or "", "")


def current(
    conn: Connection, session: str, now: datetime, organizers: frozenset[Address]
) -> Signed | None:
    """The organizer signed in with ``session``, still an organizer and not idle too long;
    None otherwise (an idle or orphaned session is ended)."""
    row = conn.execute(select(WEB_SESSION).where(WEB_SESSION.c.id_hash == _hash(session))).first()
    if row is None:
        return None
    signed = _organizer(conn, row.resident_id, organizers)
    if signed is None or row.seen_at + IDLE_LIMIT <= now:
        end(conn, session)
        return None
    if now - row.seen_at >= SEEN_EVERY:
        conn.execute(
            update(WEB_SESSION).where(WEB_SESSION.c.id_hash == row.id_hash).values(seen_at=now)
        )
    return Signed(row.resident_id, signed.address, row.language, row.csrf)


def choose_language(conn: Connection, session: str, language: str) -> None:
    conn.execute(
        update(WEB_SESSION).where(WEB_SESSION.c.id_hash == _hash(session)).values(language=language)
    )


def end(conn: Connection, session: str) -> None:
    """Sign out: the session is gone at once."""
    conn.execute(delete(WEB_SESSION).where(WEB_SESSION.c.id_hash == _hash(session)))


def forget_stale(conn: Connection, now: datetime) -> int:
    """Housekeeping: links expired and sessions idle past their limit; how many went."""
    links = conn.execute(delete(SIGN_IN_LINK).where(SIGN_IN_LINK.c.expires_at < now - LINK_VALID))
    sessions = conn.execute(delete(WEB_SESSION).where(WEB_SESSION.c.seen_at < now - IDLE_LIMIT))
    return int(links.rowcount or 0) + int(sessions.rowcount or 0)


async def forget_stale_sign_ins(db: Database, now: datetime) -> int:
    async with db.transaction() as tx:
        return await tx.run(forget_stale, now)
