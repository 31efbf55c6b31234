"""Petitions in SQL: signing once per CIN and per resident, the counter, the life and notices.

Signing is one INSERT … ON CONFLICT DO NOTHING against two unique keys (the CIN's keyed hash, the
resident), never check-then-insert; the counter moves in the same transaction under the
petition's row lock, so crossing the threshold is seen by exactly one signature.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from conversations.kit import MOROCCO
from conversations.petition import (
    CODE_ALPHABET,
    CODE_LENGTH,
    SIGNING,
    Card,
    Life,
    Outcome,
    PetitionDraft,
    Signing,
    life_notice,
)
from storage import bursts
from storage.database import Database
from storage.deliveries import enqueue
from storage.dialect import insert_ignore, inserted_id
from storage.models import PETITION, PETITION_EVENT, SIGNATURE

ACTOR_MAX = 80
# Which moves an organizer may make, from where.
MOVES: dict[Life, frozenset[Life]] = {
    Life.DRAFT: frozenset({Life.OPEN}),
    # Filing needs the threshold reached: an open petition can only be closed.
    Life.OPEN: frozenset({Life.CLOSED}),
    Life.THRESHOLD_REACHED: frozenset({Life.FILED, Life.CLOSED}),
    Life.FILED: frozenset({Life.ACCEPTED, Life.REJECTED}),
    Life.ACCEPTED: frozenset({Life.ANSWERED}),
    Life.REJECTED: frozenset({Life.ANSWERED}),
    Life.ANSWERED: frozenset(),
    Life.CLOSED: frozenset(),
}


class PetitionError(ValueError):
    """A change that cannot be made; str() says why, for the organizer."""


# What is stored is what the organizer drafted, whether in the chat or on the command line.
NewPetition = PetitionDraft


@dataclass(frozen=True, slots=True)
class Sealed:
    """A signatory as stored: the CIN still sealed (see storage/vault.py)."""

    full_name: str
    cin_sealed: str
    signed_at: datetime


def _deadline(day: date) -> datetime:
    # Signatures are taken until the end of the deadline's day, in Moroccan time.
    return datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=MOROCCO)


def create(conn: Connection, new: NewPetition, actor: str, now: datetime) -> str:
    """Store a petition as a draft; returns its code."""
    for _attempt in range(10):
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if insert_ignore(
            conn,
            PETITION,
            code=code,
            commune_code=new.commune_code,
            title=new.title,
            summary=new.summary,
            body=new.body,
            requests=new.requests,
            representative=new.representative,
            threshold=new.threshold,
            deadline=_deadline(new.deadline),
            status=Life.DRAFT,
            signatures=0,
            decision_note=None,
            filed_at=None,
            created_by=actor,
            created_at=now,
            updated_at=now,
        ):
            created = conn.execute(
                select(PETITION.c.id).where(PETITION.c.code == code)
            ).scalar_one()
            _event(conn, created, Life.DRAFT, "", actor, now)
            return code
    raise PetitionError("could not find a free petition code")  # 32**6 codes: never in practice


def _event(
    conn: Connection, petition_id: int, life: Life, note: str, actor: str, now: datetime
) -> int:
    return inserted_id(
        conn,
        insert(PETITION_EVENT).values(
            petition_id=petition_id, status=life, note=note or None, actor=actor, created_at=now
        ),
    )


def _card(row: Any, signed_at: datetime | None) -> Card:
    return Card(
        row.code,
        row.title,
        row.summary,
        row.body,
        row.requests,
        row.representative,
        row.threshold,
        row.signatures,
        row.deadline.astimezone(MOROCCO).date(),
        Life(row.status),
        signed_at,
    )


def open_in(conn: Connection, commune: str, resident_id: int, now: datetime) -> list[Card]:
    """The petitions collecting signatures in a commune, the closest to their deadline first."""
    rows = conn.execute(
        select(PETITION)
        .where(
            PETITION.c.commune_code == commune,
            PETITION.c.status.in_(sorted(SIGNING)),
            PETITION.c.deadline >= now,
        )
        .order_by(PETITION.c.deadline, PETITION.c.id)
    ).all()
    return [_card(row, _signed_at(conn, row.id, resident_id)) for row in rows]


def card(conn: Connection, code: str, resident_id: int) -> Card | None:
    row = conn.execute(select(PETITION).where(PETITION.c.code == code.upper())).first()
    if row is None or Life(row.status) is Life.DRAFT:
        return None
    return _card(row, _signed_at(conn, row.id, resident_id))


def _signed_at(conn: Connection, petition_id: int, resident_id: int) -> datetime | None:
    return conn.execute(
        select(SIGNATURE.c.created_at).where(
            SIGNATURE.c.petition_id == petition_id, SIGNATURE.c.resident_id == resident_id
        )
    ).scalar_one_or_none()


def sign(
    conn: Connection,
    code: str,
    resident_id: int,
    full_name: str,
    cin_key: str,
    cin_sealed: str,
    now: datetime,
) -> Signing:
    """Sign once; a second signature by the same resident is refused with the date of their
    first, one by the same CIN from another account without it. Crossing the threshold notifies
    every signer, exactly once."""
    petition = conn.execute(
        select(PETITION).where(PETITION.c.code == code).with_for_update()
    ).first()
    if petition is None or Life(petition.status) not in SIGNING or petition.deadline < now:
        return Signing(Outcome.NOT_OPEN)
    signed = insert_ignore(
        conn,
        SIGNATURE,
        petition_id=petition.id,
        resident_id=resident_id,
        cin_key=cin_key,
        cin_sealed=cin_sealed,
        full_name=full_name,
        created_at=now,
    )
    if not signed:
        # Only the account that signed learns when; anyone typing the same CIN learns only
        # that the card cannot sign again, or a neighbour's CIN would tell whether they signed.
        mine = _signed_at(conn, petition.id, resident_id)
        return Signing(Outcome.ALREADY, mine) if mine else Signing(Outcome.CIN_USED)
    count = petition.signatures + 1
    values: dict[str, Any] = {"signatures": count, "updated_at": now}
    crossed = Life(petition.status) is Life.OPEN and count >= petition.threshold
    if crossed:
        values["status"] = Life.THRESHOLD_REACHED
    conn.execute(update(PETITION).where(PETITION.c.id == petition.id).values(**values))
    if crossed:
        _announce(conn, petition, Life.THRESHOLD_REACHED, "", "threshold", now)
    if count % bursts.EVERY == 0:
        bursts.check(conn, petition.id, now)
    return Signing(Outcome.SIGNED, now)


def withdraw(conn: Connection, code: str, resident_id: int, now: datetime) -> bool:
    """Take back a signature while the petition collects them; False when that is not possible."""
    petition = conn.execute(
        select(PETITION).where(PETITION.c.code == code).with_for_update()
    ).first()
    if petition is None or Life(petition.status) not in SIGNING or petition.deadline < now:
        return False
    gone = conn.execute(
        delete(SIGNATURE).where(
            SIGNATURE.c.petition_id == petition.id, SIGNATURE.c.resident_id == resident_id
        )
    ).rowcount
    if gone:
        conn.execute(
            update(PETITION)
            .where(PETITION.c.id == petition.id)
            .values(signatures=PETITION.c.signatures - gone, updated_at=now)
        )
    return bool(gone)


def mine(conn: Connection, resident_id: int) -> list[Card]:
    """The petitions a resident signed, the latest first."""
    rows = conn.execute(
        select(PETITION, SIGNATURE.c.created_at.label("signed_at"))
        .join(SIGNATURE, SIGNATURE.c.petition_id == PETITION.c.id)
        .where(SIGNATURE.c.resident_id == resident_id)
        .order_by(SIGNATURE.c.created_at.desc())
    ).all()
    return [_card(row, row.signed_at) for row in rows]


def move(conn: Connection, code: str, life: Life, note: str, actor: str, now: datetime) -> int:
    """An organizer's move along the petition's life; returns how many signers were notified."""
    petition = conn.execute(
        select(PETITION).where(PETITION.c.code == code.upper()).with_for_update()
    ).first()
    if petition is None:
        raise PetitionError(f"no petition {code}")
    if not actor.strip() or len(actor) > ACTOR_MAX:
        raise PetitionError(f"who made the change must be 1 to {ACTOR_MAX} characters")
    current = Life(petition.status)
    if life not in MOVES[current]:
        allowed = ", ".join(sorted(MOVES[current])) or "none"
        raise PetitionError(f"{code} is {current}: it can become {allowed}")
    if life is Life.OPEN and petition.deadline < now:
        raise PetitionError(f"{code}'s last day has passed: it cannot be opened")
    if life is Life.REJECTED and not note.strip():
        raise PetitionError("a rejection needs the council's reasons: --note TEXT")
    values: dict[str, Any] = {"status": life, "updated_at": now}
    if life is Life.FILED:
        values["filed_at"] = now
    if note:
        values["decision_note"] = note
    conn.execute(update(PETITION).where(PETITION.c.id == petition.id).values(**values))
    if life is Life.OPEN:
        _event(conn, petition.id, life, note, actor, now)
        return 0
    return _announce(conn, petition, life, note, actor, now)


def _announce(
    conn: Connection, petition: Any, life: Life, note: str, actor: str, now: datetime
) -> int:
    event_id = _event(conn, petition.id, life, note, actor, now)
    body = life_notice(petition.code, petition.title, life, note).to_json()
    signers = (
        conn.execute(
            select(SIGNATURE.c.resident_id).where(
                SIGNATURE.c.petition_id == petition.id, SIGNATURE.c.resident_id.is_not(None)
            )
        )
        .scalars()
        .all()
    )
    for resident_id in signers:
        enqueue(conn, f"petition-event:{event_id}", resident_id, body, now)
    return len(signers)


def close_expired(conn: Connection, now: datetime) -> list[str]:
    """Close the petitions whose deadline passed before they were filed; returns their codes."""
    expired = (
        conn.execute(
            select(PETITION.c.code).where(
                PETITION.c.status.in_(sorted(SIGNING)), PETITION.c.deadline < now
            )
        )
        .scalars()
        .all()
    )
    for code in expired:
        move(conn, code, Life.CLOSED, "", "deadline", now)
    return list(expired)


def signatories(conn: Connection, code: str) -> list[Sealed]:
    petition_id = conn.execute(
        select(PETITION.c.id).where(PETITION.c.code == code.upper())
    ).scalar_one_or_none()
    if petition_id is None:
        raise PetitionError(f"no petition {code}")
    rows = conn.execute(
        select(SIGNATURE.c.full_name, SIGNATURE.c.cin_sealed, SIGNATURE.c.created_at)
        .where(SIGNATURE.c.petition_id == petition_id)
        .order_by(SIGNATURE.c.created_at, SIGNATURE.c.id)
    )
    return [Sealed(r.full_name, r.cin_sealed, r.created_at) for r in rows]


async def close_expired_petitions(db: Database, now: datetime) -> list[str]:
    """`close_expired` in a transaction of its own, for the hourly housekeeping."""
    async with db.transaction() as tx:
        return await tx.run(close_expired, now)
