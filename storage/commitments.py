"""Commitments in SQL: one made from a petition's answer (its signers and supporters follow it),
a meeting's decision (those who said they attend follow it) or an organizer's note; each change
of status kept in its history and told to its followers through an announcement; follows by a
unique key, never check-then-insert."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from conversations.actor import ACTOR_MAX
from conversations.commitment import (
    Commitment,
    CommitmentChange,
    CommitmentDraft,
    CommitmentLife,
    CommitmentRefusal,
    CommitmentWhy,
    SourceKind,
    change_notice,
    change_refusal,
    draft_refusal,
)
from conversations.groups import Answer, Audience, Scope
from conversations.kit import MOROCCO
from storage import announcements, petitions
from storage.announcements import Kind
from storage.dialect import insert_ignore, inserted_id
from storage.models import (
    COMMITMENT,
    COMMITMENT_EVENT,
    COMMITMENT_FOLLOWER,
    MEETING,
    PETITION,
    RSVP,
)


class CommitmentError(ValueError):
    def __init__(self, refusal: CommitmentRefusal) -> None:
        super().__init__(refusal.why.value)
        self.refusal = refusal


def _refuse(why: CommitmentWhy, ref: str = "") -> CommitmentError:
    return CommitmentError(CommitmentRefusal(why, ref))


def _source_followers(conn: Connection, draft: CommitmentDraft) -> list[int]:
    """Who follows a commitment from where it was made: a petition's signers and supporters, a
    meeting's "yes"; raises for a source that is none of the commune's."""
    if draft.source_kind is SourceKind.ORGANIZER:
        return []
    if draft.source_kind is SourceKind.PETITION:
        found = conn.execute(
            select(PETITION.c.id, PETITION.c.commune_code).where(
                PETITION.c.code == draft.source_ref.upper()
            )
        ).first()
        if found is None or found.commune_code != draft.commune_code:
            raise _refuse(CommitmentWhy.NO_SOURCE, draft.source_ref)
        return petitions.followers(conn, found.id)
    meeting = int(draft.source_ref) if draft.source_ref.isdigit() else 0
    commune = conn.execute(
        select(MEETING.c.commune_code).where(MEETING.c.id == meeting)
    ).scalar_one_or_none()
    if commune != draft.commune_code:
        raise _refuse(CommitmentWhy.NO_SOURCE, draft.source_ref)
    attending = select(RSVP.c.resident_id).where(
        RSVP.c.meeting_id == meeting, RSVP.c.answer == Answer.YES
    )
    return sorted(int(rid) for rid in conn.execute(attending).scalars())


def create(conn: Connection, draft: CommitmentDraft, actor: str, now: datetime) -> int:
    """Store a commitment, pending, its first step in its history and its source's residents
    as followers; its number. Raises `CommitmentError` for a draft the rules refuse."""
    why = draft_refusal(draft, now.astimezone(MOROCCO).date())
    if why is not None:
        raise _refuse(why)
    following = _source_followers(conn, draft)
    ref = draft.source_ref.upper() if draft.source_kind is SourceKind.PETITION else draft.source_ref
    made = inserted_id(
        conn,
        insert(COMMITMENT).values(
            commune_code=draft.commune_code,
            text=draft.text.strip(),
            made_by=draft.made_by.strip(),
            due_on=draft.due_on,
            status=CommitmentLife.PENDING,
            source_kind=draft.source_kind,
            source_ref=ref,
            created_by=actor[:ACTOR_MAX],
            created_at=now,
            updated_at=now,
        ),
    )
    _event(conn, made, CommitmentLife.PENDING, "", actor, now)
    for resident_id in following:
        follow(conn, made, resident_id, now)
    return made


def _event(
    conn: Connection, made: int, life: CommitmentLife, note: str, actor: str, now: datetime
) -> None:
    conn.execute(
        insert(COMMITMENT_EVENT).values(
            commitment_id=made,
            status=life,
            note=note.strip(),
            actor=actor[:ACTOR_MAX],
            created_at=now,
        )
    )


def audience(conn: Connection, commitment_id: int) -> Audience | None:
    """The commune a commitment is of, which says who may act on it; None if unknown."""
    commune = conn.execute(
        select(COMMITMENT.c.commune_code).where(COMMITMENT.c.id == commitment_id)
    ).scalar_one_or_none()
    return None if commune is None else Audience(commune)


def set_status(
    conn: Connection,
    commitment_id: int,
    life: CommitmentLife,
    note: str,
    actor: str,
    now: datetime,
) -> int:
    """Change a commitment's status, in its history, and tell its followers (an announcement
    due now, expanded once per follower); how many follow it. Raises `CommitmentError`."""
    row = conn.execute(
        select(COMMITMENT).where(COMMITMENT.c.id == commitment_id).with_for_update()
    ).first()
    if row is None:
        raise _refuse(CommitmentWhy.NO_COMMITMENT, str(commitment_id))
    why = change_refusal(CommitmentLife(row.status), life, note)
    if why is not None:
        raise _refuse(why, str(commitment_id))
    conn.execute(
        update(COMMITMENT)
        .where(COMMITMENT.c.id == commitment_id)
        .values(status=life, updated_at=now)
    )
    _event(conn, commitment_id, life, note, actor, now)
    body = change_notice(row.id, row.text, life, note, row.made_by).to_json()
    announcements.create(
        conn, Kind.COMMITMENT, Audience(row.commune_code), body, now, actor, now,
        commitment_id=commitment_id,
    )  # fmt: skip
    return _followers(conn, [commitment_id]).get(commitment_id, 0)


def follow(conn: Connection, commitment_id: int, resident_id: int, now: datetime) -> bool:
    """Follow it; False when they already did."""
    return insert_ignore(
        conn,
        COMMITMENT_FOLLOWER,
        commitment_id=commitment_id,
        resident_id=resident_id,
        created_at=now,
    )


def unfollow(conn: Connection, commitment_id: int, resident_id: int) -> bool:
    gone = conn.execute(
        delete(COMMITMENT_FOLLOWER).where(
            COMMITMENT_FOLLOWER.c.commitment_id == commitment_id,
            COMMITMENT_FOLLOWER.c.resident_id == resident_id,
        )
    ).rowcount
    return bool(gone)


def _followers(conn: Connection, ids: Sequence[int]) -> dict[int, int]:
    rows = conn.execute(
        select(COMMITMENT_FOLLOWER.c.commitment_id, func.count())
        .where(COMMITMENT_FOLLOWER.c.commitment_id.in_(list(ids)))
        .group_by(COMMITMENT_FOLLOWER.c.commitment_id)
    )
    return {int(made): int(count) for made, count in rows}


def _followed(conn: Connection, ids: Sequence[int], resident_id: int | None) -> set[int]:
    if resident_id is None:
        return set()
    query = select(COMMITMENT_FOLLOWER.c.commitment_id).where(
        COMMITMENT_FOLLOWER.c.commitment_id.in_(list(ids)),
        COMMITMENT_FOLLOWER.c.resident_id == resident_id,
    )
    return {int(made) for made in conn.execute(query).scalars()}


def _history(conn: Connection, ids: Sequence[int]) -> dict[int, list[CommitmentChange]]:
    rows = conn.execute(
        select(COMMITMENT_EVENT)
        .where(COMMITMENT_EVENT.c.commitment_id.in_(list(ids)))
        .order_by(COMMITMENT_EVENT.c.created_at, COMMITMENT_EVENT.c.id)
    )
    found: dict[int, list[CommitmentChange]] = {made: [] for made in ids}
    for r in rows:
        change = CommitmentChange(CommitmentLife(r.status), r.note, r.actor, r.created_at)
        found[r.commitment_id].append(change)
    return found


def _read(conn: Connection, rows: Sequence[Any], resident_id: int | None) -> list[Commitment]:
    """Commitments with their histories, followers and the reader's follow, in four queries."""
    ids = [r.id for r in rows]
    history, counts = _history(conn, ids), _followers(conn, ids)
    mine = _followed(conn, ids, resident_id)
    return [
        Commitment(
            r.id, r.commune_code, r.text, r.made_by, r.due_on, CommitmentLife(r.status),
            SourceKind(r.source_kind), r.source_ref, tuple(history[r.id]),
            r.id in mine, counts.get(r.id, 0),
        )
        for r in rows
    ]  # fmt: skip


def read(conn: Connection, commitment_id: int, resident_id: int | None) -> Commitment | None:
    rows = conn.execute(select(COMMITMENT).where(COMMITMENT.c.id == commitment_id)).all()
    found = _read(conn, rows, resident_id)
    return found[0] if found else None


def listing(
    conn: Connection,
    commune: str | None,
    resident_id: int | None = None,
    scope: Scope | None = None,
) -> list[Commitment]:
    """Every commitment, or a commune's, or those of the communes ``scope`` covers whole, the
    soonest due first."""
    query = select(COMMITMENT).order_by(COMMITMENT.c.due_on, COMMITMENT.c.id)
    if commune is not None:
        query = query.where(COMMITMENT.c.commune_code == commune)
    if scope is not None and not scope.everywhere:
        query = query.where(COMMITMENT.c.commune_code.in_(sorted(scope.communes)))
    return _read(conn, conn.execute(query).all(), resident_id)


def petition_answer(conn: Connection, code: str) -> tuple[str, str] | None:
    """A petition's commune and the council's answer as recorded (its decision note, "" when
    none); None for no such petition. A commitment made from it starts from these."""
    row = conn.execute(
        select(PETITION.c.commune_code, PETITION.c.decision_note).where(
            PETITION.c.code == code.strip().upper()
        )
    ).first()
    return None if row is None else (row.commune_code, row.decision_note or "")


def meeting_commune(conn: Connection, meeting_id: int) -> str | None:
    query = select(MEETING.c.commune_code).where(MEETING.c.id == meeting_id)
    found: str | None = conn.execute(query).scalar_one_or_none()
    return found
