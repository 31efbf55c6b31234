"""Signatures whose CIN hash was computed an older way are hashed again from their sealed CIN.

The hash deduplicates signatures (storage/vault.py). When the way of computing it changes
(`KEY_VERSION`: since 2, AB0123456 and AB123456 are one card), the migration cannot hash again,
having no key; the housekeeping does, a batch per transaction, each petition under its lock as
signing takes it. Two signatures found to be one card: on a petition still collecting, the
later is withdrawn and the count goes down, as the rule is one card, one signature; on a
petition past signing, both stay as they were counted, the later keeping its old hash.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime
from typing import NamedTuple

from cryptography.fernet import InvalidToken
from sqlalchemy import Connection, delete, select, update

from conversations.petition import SIGNING, PetitionLife
from storage.database import Database
from storage.models import PETITION, SIGNATURE
from storage.vault import KEY_VERSION, Vault

BATCH = 200

log = logging.getLogger(__name__)


class _Signature(NamedTuple):
    """A signature hashed again: which one, and when it was made (the later of two is
    withdrawn)."""

    id: int
    created_at: datetime


def _batch(conn: Connection, vault: Vault, after: int, now: datetime) -> tuple[int, int] | None:
    """Hash again the next batch of old rows after id ``after``; returns the last id seen and
    how many seals could not be opened, or None when no old row is left."""
    ids = conn.execute(
        select(SIGNATURE.c.id, SIGNATURE.c.petition_id)
        .where(SIGNATURE.c.key_version < KEY_VERSION, SIGNATURE.c.id > after)
        .order_by(SIGNATURE.c.id)
        .limit(BATCH)
    ).all()
    if not ids:
        return None
    by_petition: dict[int, list[int]] = defaultdict(list)
    for signature_id, petition_id in ids:
        by_petition[petition_id].append(signature_id)
    unreadable = 0
    # Petitions locked in one order, so two processes doing this never wait on each other.
    for petition_id in sorted(by_petition):
        unreadable += _petition(conn, vault, petition_id, by_petition[petition_id], now)
    return ids[-1][0], unreadable


def _petition(
    conn: Connection, vault: Vault, petition_id: int, signature_ids: list[int], now: datetime
) -> int:
    status = conn.execute(
        select(PETITION.c.status).where(PETITION.c.id == petition_id).with_for_update()
    ).scalar_one()
    rows = conn.execute(
        select(SIGNATURE.c.id, SIGNATURE.c.cin_key, SIGNATURE.c.cin_sealed, SIGNATURE.c.created_at)
        .where(SIGNATURE.c.id.in_(signature_ids), SIGNATURE.c.key_version < KEY_VERSION)
        .order_by(SIGNATURE.c.id)
    ).all()
    unreadable, withdrawn = 0, set()
    for row in rows:
        if row.id in withdrawn:
            continue
        try:
            key = vault.key(vault.open(row.cin_sealed))
        except (InvalidToken, ValueError):
            unreadable += 1  # sealed under another HAYNA_SECRET_KEY: left as it is
            continue
        later = _rekey(conn, petition_id, status, _Signature(row.id, row.created_at), key, now)
        if later is not None:
            withdrawn.add(later)
    return unreadable


def _rekey(
    conn: Connection,
    petition_id: int,
    status: str,
    row: _Signature,
    key: str,
    now: datetime,
) -> int | None:
    """Give signature ``row`` its new ``key``. When another signature of the petition has it
    already (one card, signed twice) and the petition still collects, the later of the two is
    withdrawn: its id."""
    same = conn.execute(
        select(SIGNATURE.c.id, SIGNATURE.c.created_at).where(
            SIGNATURE.c.petition_id == petition_id,
            SIGNATURE.c.cin_key == key,
            SIGNATURE.c.id != row.id,
        )
    ).first()
    if same is None:
        conn.execute(
            update(SIGNATURE)
            .where(SIGNATURE.c.id == row.id)
            .values(cin_key=key, key_version=KEY_VERSION)
        )
        return None
    if PetitionLife(status) not in SIGNING:
        log.warning("petition %s: signatures %s and %s are one card", petition_id, same.id, row.id)
        conn.execute(
            update(SIGNATURE).where(SIGNATURE.c.id == row.id).values(key_version=KEY_VERSION)
        )
        return None
    row_later = (row.created_at, row.id) > (same.created_at, same.id)
    later: int
    later, kept = (row.id, same.id) if row_later else (same.id, row.id)
    log.warning(
        "petition %s: signature %s withdrawn, its card signed as %s", petition_id, later, kept
    )
    conn.execute(delete(SIGNATURE).where(SIGNATURE.c.id == later))
    if later == same.id:
        conn.execute(
            update(SIGNATURE)
            .where(SIGNATURE.c.id == row.id)
            .values(cin_key=key, key_version=KEY_VERSION)
        )
    conn.execute(
        update(PETITION)
        .where(PETITION.c.id == petition_id)
        .values(signatures=PETITION.c.signatures - 1, updated_at=now)
    )
    return later


async def rekey_signatures(db: Database, vault: Vault, now: datetime) -> int:
    """Hash again every signature of an older `KEY_VERSION`; returns how many rows were left
    because their seal could not be opened (those are tried again next time)."""
    after, unreadable = 0, 0
    while True:
        async with db.transaction() as tx:
            done = await tx.run(_batch, vault, after, now)
        if done is None:
            break
        after, left = done
        unreadable += left
    if unreadable:
        log.warning("%s signatures sealed under another key keep their old hash", unreadable)
    return unreadable
