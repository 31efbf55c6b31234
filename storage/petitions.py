"""Petitions in SQL: signing once per CIN and per resident, the count, the life and notices.

Signing is one INSERT … ON CONFLICT DO NOTHING against two unique keys (the CIN's keyed hash, the
resident), never check-then-insert. Signers share the petition's row (FOR KEY SHARE: an
organizer's move waits for them, they do not wait for each other) and count on shards of a tally
(storage/tally.py). Crossing the threshold is one conditional UPDATE from open that a single
transaction wins; a signer that could not see the others still in flight checks again once
committed (`settle`), so the crossing is never missed and each signer is told once.
"""

from __future__ import annotations

import secrets
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, delete, func, insert, or_, select, update

from conversations.actor import ACTOR_MAX as _ACTOR_MAX
from conversations.answer_clock import Awaiting, Deposit, awaiting, deposit_refusal, overdue_first
from conversations.association import DEFAULT_CHECKLIST, Check, CheckItem, Checklist
from conversations.groups import GroupKind
from conversations.kit import MOROCCO
from conversations.paper import Entered, PaperOutcome, PaperSignature, paper_refusal
from conversations.petition import (
    CODE_ALPHABET,
    CODE_LENGTH,
    SIGNING,
    Card,
    PetitionDraft,
    PetitionKind,
    PetitionLife,
    Signing,
    SigningOutcome,
    life_notice,
)
from conversations.petition_rules import (
    FILED,
    PetitionError,
    PetitionField,
    PetitionRefusal,
    PetitionWhy,
    draft_refusal,
    field_refusal,
    move_refusal,
)
from conversations.report import Category
from storage import bursts, tally
from storage.database import Database
from storage.deliveries import enqueue
from storage.dialect import insert_ignore, inserted_id
from storage.models import (
    COMMUNITY_GROUP,
    PETITION,
    PETITION_CHECK,
    PETITION_EVENT,
    PETITION_SUPPORT,
    SIGNATURE,
)
from storage.vault import KEY_VERSION

# A signature's source, as stored.
CHAT, PAPER = "chat", "paper"

# Kept for the callers that name it here: the rule lives in conversations/actor.py.
ACTOR_MAX = _ACTOR_MAX


# What is stored is what the organizer drafted, whether in the chat or on the command line.
NewPetition = PetitionDraft


@dataclass(frozen=True, slots=True)
class Sealed:
    """A signatory as stored: the CIN still sealed (see storage/vault.py)."""

    full_name: str
    cin_sealed: str
    signed_at: datetime
    on_paper: bool = False
    sheet: str = ""
    signed_on: date | None = None


def notice_key(event_id: int) -> str:
    """The delivery rows' message key of the notices of one step of a petition's life."""
    return f"petition-event:{event_id}"


def _deadline(day: date) -> datetime:
    # Signatures are taken until the end of the deadline's day, in Moroccan time.
    return datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=MOROCCO)


def create(
    conn: Connection,
    new: NewPetition,
    actor: str,
    now: datetime,
    checklist: Checklist = DEFAULT_CHECKLIST,
) -> str:
    """Store a petition as a draft; returns its code. An association's petition gets
    ``checklist``, unticked. Raises `PetitionError` when the draft breaks a rule of
    conversations/petition_rules.py, or names no association of its commune."""
    refused = draft_refusal(new, actor, now.astimezone(MOROCCO).date())
    if refused is not None:
        raise PetitionError(refused)
    association = new.kind is PetitionKind.ASSOCIATION
    if association and not _is_association(conn, new.association_id, new.commune_code):
        raise PetitionError(PetitionRefusal(PetitionWhy.NO_ASSOCIATION))
    for _attempt in range(10):
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if insert_ignore(conn, PETITION, code=code, **_columns(new, actor, now)):
            created = conn.execute(
                select(PETITION.c.id).where(PETITION.c.code == code)
            ).scalar_one()
            _event(conn, created, PetitionLife.DRAFT, "", actor, now)
            if association:
                _list_checks(conn, created, checklist)
            return code
    raise PetitionError(PetitionRefusal(PetitionWhy.NO_FREE_CODE))  # 32**6 codes: never in practice


def _columns(new: NewPetition, actor: str, now: datetime) -> dict[str, Any]:
    """A new draft's row but its code."""
    association = new.kind is PetitionKind.ASSOCIATION
    return {
        "commune_code": new.commune_code,
        "title": new.title,
        "summary": new.summary,
        "body": new.body,
        "requests": new.requests,
        "representative": new.representative,
        # An association's petition has no threshold to reach.
        "threshold": 0 if association else new.threshold,
        "deadline": _deadline(new.deadline),
        "category": new.category,
        "kind": new.kind,
        "association_id": new.association_id if association else None,
        "declared_on": new.declared_on if association else None,
        "status": PetitionLife.DRAFT,
        "signatures": 0,
        "decision_note": None,
        "filed_at": None,
        "created_by": actor,
        "created_at": now,
        "updated_at": now,
    }


def _is_association(conn: Connection, group_id: int | None, commune: str) -> bool:
    query = select(COMMUNITY_GROUP.c.id).where(
        COMMUNITY_GROUP.c.id == group_id,
        COMMUNITY_GROUP.c.commune_code == commune,
        COMMUNITY_GROUP.c.kind == GroupKind.ASSOCIATION,
    )
    return group_id is not None and conn.execute(query).first() is not None


def _list_checks(conn: Connection, petition_id: int, checklist: Checklist) -> None:
    conn.execute(
        insert(PETITION_CHECK),
        [
            {"petition_id": petition_id, "item": item, "position": n, "years": checklist.years}
            for n, item in enumerate(checklist.items)
        ],
    )


def _event(
    conn: Connection, petition_id: int, life: PetitionLife, note: str, actor: str, now: datetime
) -> int:
    return inserted_id(
        conn,
        insert(PETITION_EVENT).values(
            petition_id=petition_id, status=life, note=note or None, actor=actor, created_at=now
        ),
    )


# The association filing a petition, by name, for the queries that read cards.
_ASSOCIATION = (
    select(COMMUNITY_GROUP.c.name)
    .where(COMMUNITY_GROUP.c.id == PETITION.c.association_id)
    .scalar_subquery()
    .label("association")
)
CARDS = (*tally.COUNTED, _ASSOCIATION)


def kind_of(stored: str | None) -> PetitionKind:
    return PetitionKind(stored) if stored else PetitionKind.RESIDENTS


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
        PetitionLife(row.status),
        signed_at,
        deposited_on=row.deposited_on,
        category=theme(row.category),
        kind=kind_of(row.kind),
        association=row.association or "",
        declared_on=row.declared_on,
    )


def theme(stored: str | None) -> Category:
    """A petition's theme as stored; "other" for one from before themes, or unknown."""
    try:
        return Category(stored) if stored else Category.OTHER
    except ValueError:
        return Category.OTHER


def open_in(conn: Connection, commune: str, resident_id: int, now: datetime) -> list[Card]:
    """The petitions collecting signatures in a commune, the closest to their deadline first."""
    rows = conn.execute(
        select(*CARDS)
        .where(
            PETITION.c.commune_code == commune,
            PETITION.c.status.in_(sorted(SIGNING)),
            PETITION.c.deadline >= now,
        )
        .order_by(PETITION.c.deadline, PETITION.c.id)
    ).all()
    return [_card(row, _signed_at(conn, row, resident_id)) for row in rows]


def collecting_in(
    conn: Connection, communes: Sequence[str], now: datetime, limit: int
) -> list[Card]:
    """The petitions collecting signatures in these communes, for an organizer entering paper
    ones: the closest to their deadline first, at most ``limit``."""
    rows = conn.execute(
        select(*CARDS)
        .where(
            PETITION.c.commune_code.in_(sorted(communes)),
            PETITION.c.kind == PetitionKind.RESIDENTS,
            PETITION.c.status.in_(sorted(SIGNING)),
            PETITION.c.deadline >= now,
        )
        .order_by(PETITION.c.deadline, PETITION.c.id)
        .limit(limit)
    ).all()
    return [_card(row, None) for row in rows]


def card(conn: Connection, code: str, resident_id: int) -> Card | None:
    row = conn.execute(select(*CARDS).where(PETITION.c.code == code.upper())).first()
    if row is None or PetitionLife(row.status) is PetitionLife.DRAFT:
        return None
    paper = paper_count(conn, row.id)
    return replace(_card(row, _signed_at(conn, row, resident_id)), paper=paper)


def paper_count(conn: Connection, petition_id: int) -> int:
    """How many of a petition's signatures were collected on paper."""
    query = select(func.count()).where(
        SIGNATURE.c.petition_id == petition_id, SIGNATURE.c.source == PAPER
    )
    return int(conn.execute(query).scalar_one())


def _signed_at(conn: Connection, petition: Any, resident_id: int) -> datetime | None:
    """When the resident signed the petition, or supported it if it is an association's."""
    if kind_of(petition.kind) is PetitionKind.ASSOCIATION:
        query = select(PETITION_SUPPORT.c.created_at).where(
            PETITION_SUPPORT.c.petition_id == petition.id,
            PETITION_SUPPORT.c.resident_id == resident_id,
        )
    else:
        query = select(SIGNATURE.c.created_at).where(
            SIGNATURE.c.petition_id == petition.id, SIGNATURE.c.resident_id == resident_id
        )
    return conn.execute(query).scalar_one_or_none()


@dataclass(frozen=True, slots=True)
class StoredSigning(Signing):
    """A signing as stored. `unsettled` is the petition whose threshold the signer checks again
    once committed (`settle`): it counted while others may still have been signing."""

    unsettled: int | None = None


def _shared(conn: Connection, code: str) -> Any:
    # FOR KEY SHARE: an organizer's move (FOR UPDATE) waits for the signers in flight and then
    # sees their signatures; signers never wait for one another here.
    query = select(PETITION).where(PETITION.c.code == code)
    return conn.execute(query.with_for_update(read=True, key_share=True)).first()


def sign(
    conn: Connection,
    code: str,
    resident_id: int,
    full_name: str,
    cin_key: str,
    cin_sealed: str,
    now: datetime,
) -> StoredSigning:
    """Sign once; a second signature by the same resident is refused with the date of their
    first, one by the same CIN from another account without it. Crossing the threshold notifies
    every signer, exactly once: when the result is `unsettled`, the caller runs `settle` once
    this transaction is committed (the hourly `cross_reached` catches a crossing whose check
    never ran)."""
    petition = _shared(conn, code)
    if not _collecting(petition, PetitionKind.RESIDENTS, now):
        return StoredSigning(SigningOutcome.NOT_OPEN)
    signed = insert_ignore(
        conn,
        SIGNATURE,
        petition_id=petition.id,
        resident_id=resident_id,
        cin_key=cin_key,
        key_version=KEY_VERSION,
        cin_sealed=cin_sealed,
        full_name=full_name,
        created_at=now,
    )
    if not signed:
        # Only the account that signed learns when; anyone typing the same CIN learns only
        # that the card cannot sign again, or a neighbour's CIN would tell whether they signed.
        mine = _signed_at(conn, petition, resident_id)
        return (
            StoredSigning(SigningOutcome.ALREADY, mine)
            if mine
            else StoredSigning(SigningOutcome.CIN_USED)
        )
    if _counted(conn, petition, resident_id, resident_id, now):
        return StoredSigning(SigningOutcome.SIGNED, now)
    return StoredSigning(SigningOutcome.SIGNED, now, petition.id)


def _collecting(petition: Any, kind: PetitionKind, now: datetime) -> bool:
    """Whether ``petition`` (None when unknown) is of ``kind`` and takes signatures, or
    supports, at ``now``."""
    return (
        petition is not None
        and kind_of(petition.kind) is kind
        and PetitionLife(petition.status) in SIGNING
        and petition.deadline >= now
    )


def support(conn: Connection, code: str, resident_id: int, now: datetime) -> Signing:
    """A resident's support of an association's petition, once; a second is refused with the
    date of the first. No threshold to cross: the count is only told and shown."""
    petition = _shared(conn, code)
    if not _collecting(petition, PetitionKind.ASSOCIATION, now):
        return Signing(SigningOutcome.NOT_OPEN)
    supported = insert_ignore(
        conn, PETITION_SUPPORT, petition_id=petition.id, resident_id=resident_id, created_at=now
    )
    if not supported:
        return Signing(SigningOutcome.ALREADY, _signed_at(conn, petition, resident_id))
    tally.add(conn, petition.id, resident_id, 1)
    return Signing(SigningOutcome.SIGNED, now)


def _counted(
    conn: Connection, petition: Any, shard: int, resident_id: int | None, now: datetime
) -> bool:
    """Count a signature just stored, watch for a burst, and cross the threshold if it is
    reached; False when the threshold is still to be checked once committed (`settle`)."""
    tally.add(conn, petition.id, shard, 1)
    count = tally.count(conn, petition.id)
    bursts.check_due(conn, petition.id, count, now)
    return PetitionLife(petition.status) is not PetitionLife.OPEN or _cross(
        conn, petition, count, resident_id, now
    )


def sign_on_paper(
    conn: Connection,
    code: str,
    paper: PaperSignature,
    cin_key: str,
    cin_sealed: str,
    actor: str,
    now: datetime,
) -> Entered:
    """Count a line of a paper sheet an organizer entered, unless its card already signed,
    online or on paper (then: when it was counted, which the organizer may know). The rules
    of conversations/paper.py are checked first; no resident is behind it."""
    petition = _shared(conn, code)
    if petition is None:
        return Entered(PaperOutcome.NO_PETITION)
    if kind_of(petition.kind) is PetitionKind.ASSOCIATION:
        return Entered(PaperOutcome.SUPPORTS_ONLY)
    if not _collecting(petition, PetitionKind.RESIDENTS, now):
        return Entered(PaperOutcome.NOT_OPEN)
    last_day = petition.deadline.astimezone(MOROCCO).date()
    why = paper_refusal(paper, min(now.astimezone(MOROCCO).date(), last_day))
    if why is not None:
        return Entered(PaperOutcome.INVALID, why=why)
    signed = insert_ignore(
        conn,
        SIGNATURE,
        petition_id=petition.id,
        resident_id=None,
        cin_key=cin_key,
        key_version=KEY_VERSION,
        cin_sealed=cin_sealed,
        full_name=paper.full_name.strip(),
        created_at=now,
        source=PAPER,
        sheet=paper.sheet.strip() or None,
        signed_on=paper.signed_on,
        residence=paper.residence.strip(),
        entered_by=actor[:_ACTOR_MAX],
    )
    if not signed:
        first = conn.execute(
            select(SIGNATURE.c.created_at).where(
                SIGNATURE.c.petition_id == petition.id, SIGNATURE.c.cin_key == cin_key
            )
        ).scalar_one_or_none()
        return Entered(PaperOutcome.DUPLICATE, first)
    # Paper lines spread over the shards by their card, as signers do by their account.
    if _counted(conn, petition, int(cin_key[:8], 16), None, now):
        return EnteredOnPaper(PaperOutcome.ADDED, now)
    return EnteredOnPaper(PaperOutcome.ADDED, now, unsettled=petition.id)


@dataclass(frozen=True, slots=True)
class EnteredOnPaper(Entered):
    """A paper line as stored: `unsettled` is the petition whose threshold to check again once
    committed (`settle`), as a signer's is."""

    unsettled: int | None = None


def settle(conn: Connection, petition_id: int, resident_id: int | None, now: datetime) -> None:
    """After a signature made while the petition was open is committed: cross the threshold if
    the count, which now holds every committed signature, reaches it; or, if another
    transaction crossed it meanwhile, tell this signer, whom that one could not see yet."""
    # The petition and its count in one statement: one round trip for most signers.
    petition = conn.execute(select(*tally.COUNTED).where(PETITION.c.id == petition_id)).first()
    if petition is None:
        return
    if PetitionLife(petition.status) is PetitionLife.OPEN:
        _cross(conn, petition, petition.signatures, resident_id, now)
    elif resident_id is not None:
        _tell_late_signer(conn, petition, resident_id, now)


def _cross(
    conn: Connection, petition: Any, count: int, resident_id: int | None, now: datetime
) -> bool:
    """Cross the threshold when ``count`` reaches it; True when it is crossed, whoever did it,
    and the signer ``resident_id`` (if one is signing) is told."""
    if kind_of(petition.kind) is PetitionKind.ASSOCIATION or count < petition.threshold:
        return False
    # Only one transaction moves the petition from open: the others find it moved (PostgreSQL
    # re-reads the row once the winner commits) and change nothing.
    won = conn.execute(
        update(PETITION)
        .where(PETITION.c.id == petition.id, PETITION.c.status == PetitionLife.OPEN)
        .values(status=PetitionLife.THRESHOLD_REACHED, updated_at=now)
    ).rowcount
    if won:
        _announce(conn, petition, PetitionLife.THRESHOLD_REACHED, "", "threshold", now)
    elif resident_id is not None:
        _tell_late_signer(conn, petition, resident_id, now)
    return True


def _tell_late_signer(conn: Connection, petition: Any, resident_id: int, now: datetime) -> None:
    """The crossing's notice for a signer who signed before seeing it (queued once: a second
    time finds it queued)."""
    crossed = conn.execute(
        select(PETITION_EVENT.c.id)
        .where(
            PETITION_EVENT.c.petition_id == petition.id,
            PETITION_EVENT.c.status == PetitionLife.THRESHOLD_REACHED,
        )
        .order_by(PETITION_EVENT.c.id)
        .limit(1)
    ).scalar_one_or_none()
    if crossed is not None and _signed_at(conn, petition, resident_id) is not None:
        _notify(conn, petition, crossed, PetitionLife.THRESHOLD_REACHED, "", (resident_id,), now)


def withdraw(conn: Connection, code: str, resident_id: int, now: datetime) -> bool:
    """Take back a signature, or a support, while the petition collects them; False when that
    is not possible."""
    petition = _shared(conn, code)
    if petition is None or not _collecting(petition, kind_of(petition.kind), now):
        return False
    if kind_of(petition.kind) is PetitionKind.ASSOCIATION:
        taken = delete(PETITION_SUPPORT).where(
            PETITION_SUPPORT.c.petition_id == petition.id,
            PETITION_SUPPORT.c.resident_id == resident_id,
        )
    else:
        taken = delete(SIGNATURE).where(
            SIGNATURE.c.petition_id == petition.id, SIGNATURE.c.resident_id == resident_id
        )
    gone = conn.execute(taken).rowcount
    if gone:
        tally.add(conn, petition.id, resident_id, -gone)
    return bool(gone)


def fold_signed(conn: Connection, resident_id: int) -> None:
    """Fold the tallies of the petitions a resident signed, before their erasure takes their
    signatures off the petitions' own column (storage/rights.py): it then holds them."""
    signed = select(SIGNATURE.c.petition_id).where(SIGNATURE.c.resident_id == resident_id)
    supported = select(PETITION_SUPPORT.c.petition_id).where(
        PETITION_SUPPORT.c.resident_id == resident_id
    )
    touched = {*conn.execute(signed).scalars(), *conn.execute(supported).scalars()}
    # In the petitions' order, as every fold takes their locks: no deadlock between two.
    for petition_id in sorted(touched):
        tally.fold(conn, petition_id)


def mine(conn: Connection, resident_id: int) -> list[Card]:
    """The petitions a resident signed or supported, the latest first."""
    signed = (
        select(*CARDS, SIGNATURE.c.created_at.label("signed_at"))
        .join(SIGNATURE, SIGNATURE.c.petition_id == PETITION.c.id)
        .where(SIGNATURE.c.resident_id == resident_id)
    )
    supported = (
        select(*CARDS, PETITION_SUPPORT.c.created_at.label("signed_at"))
        .join(PETITION_SUPPORT, PETITION_SUPPORT.c.petition_id == PETITION.c.id)
        .where(PETITION_SUPPORT.c.resident_id == resident_id)
    )
    rows = [*conn.execute(signed), *conn.execute(supported)]
    rows.sort(key=lambda row: row.signed_at, reverse=True)
    return [_card(row, row.signed_at) for row in rows]


def move(
    conn: Connection,
    code: str,
    life: PetitionLife,
    note: str,
    actor: str,
    now: datetime,
    deposit: Deposit | None = None,
) -> int:
    """An organizer's move along the petition's life; returns how many signers were notified.
    Filing records ``deposit`` and starts the answer clock (without one, as internal callers
    file: deposited today, no receipt). Raises `PetitionError` for a move that
    conversations/petition_rules.py or conversations/answer_clock.py refuses."""
    petition = conn.execute(
        select(PETITION).where(PETITION.c.code == code.upper()).with_for_update()
    ).first()
    if petition is None:
        raise PetitionError(PetitionRefusal(PetitionWhy.NO_PETITION, code))
    refused = field_refusal(PetitionField.ACTOR, actor) or move_refusal(
        code,
        PetitionLife(petition.status),
        life,
        note,
        tally.count(conn, petition.id),
        petition.threshold,
        petition.deadline < now,
        kind_of(petition.kind),
        tuple(check.item for check in _checks(conn, petition.id) if not check.ticked),
    )
    if refused is not None:
        raise PetitionError(refused)
    values: dict[str, Any] = {"status": life, "updated_at": now}
    if life is PetitionLife.FILED:
        values.update(_deposited(conn, petition, deposit, now))
    if note:
        values["decision_note"] = note
    conn.execute(update(PETITION).where(PETITION.c.id == petition.id).values(**values))
    if life is PetitionLife.OPEN:
        _event(conn, petition.id, life, note, actor, now)
        return 0
    return _announce(conn, petition, life, note, actor, now)


def _deposited(
    conn: Connection, petition: Any, deposit: Deposit | None, now: datetime
) -> dict[str, Any]:
    """The columns a filing sets: when, the deposit day, the receipt, the answer's due day."""
    today = now.astimezone(MOROCCO).date()
    given = deposit or Deposit("-", today)
    opened = conn.execute(
        select(func.min(PETITION_EVENT.c.created_at)).where(
            PETITION_EVENT.c.petition_id == petition.id,
            PETITION_EVENT.c.status == PetitionLife.OPEN,
        )
    ).scalar_one_or_none()
    opened_on = opened.astimezone(MOROCCO).date() if opened is not None else None
    why = deposit_refusal(given, today, opened_on)
    if why is not None:
        refusal = PetitionRefusal(
            why,
            petition.code,
            length=len(given.receipt.strip()),
            day=opened_on if why is PetitionWhy.DEPOSIT_BEFORE_OPENING else given.deposited_on,
        )
        raise PetitionError(refusal)
    return {
        "filed_at": now,
        "deposited_on": given.deposited_on,
        "receipt": given.receipt.strip() if deposit is not None else None,
        "answer_due": given.due_on,
    }


def _announce(
    conn: Connection, petition: Any, life: PetitionLife, note: str, actor: str, now: datetime
) -> int:
    event_id = _event(conn, petition.id, life, note, actor, now)
    signers = followers(conn, petition.id)
    _notify(conn, petition, event_id, life, note, signers, now)
    return len(signers)


def followers(conn: Connection, petition_id: int) -> list[int]:
    """The residents told of a petition's life: its signers in the chat (paper signers have no
    chat) and, for an association's, its supporters; in the order they joined."""
    signers = select(SIGNATURE.c.resident_id.label("rid"), SIGNATURE.c.created_at).where(
        SIGNATURE.c.petition_id == petition_id, SIGNATURE.c.resident_id.is_not(None)
    )
    supporters = select(
        PETITION_SUPPORT.c.resident_id.label("rid"), PETITION_SUPPORT.c.created_at
    ).where(PETITION_SUPPORT.c.petition_id == petition_id)
    joined = signers.union_all(supporters).subquery()
    query = select(joined.c.rid).order_by(joined.c.created_at, joined.c.rid)
    return [int(rid) for rid in conn.execute(query).scalars()]


def _notify(
    conn: Connection,
    petition: Any,
    event_id: int,
    life: PetitionLife,
    note: str,
    residents: Sequence[int],
    now: datetime,
) -> None:
    notice = life_notice(petition.code, petition.title, life, note, kind_of(petition.kind))
    body = notice.to_json()
    for resident_id in residents:
        enqueue(conn, notice_key(event_id), resident_id, body, now)


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
        move(conn, code, PetitionLife.CLOSED, "", "deadline", now)
    return list(expired)


def signatories(conn: Connection, code: str) -> list[Sealed]:
    petition_id = conn.execute(
        select(PETITION.c.id).where(PETITION.c.code == code.upper())
    ).scalar_one_or_none()
    if petition_id is None:
        raise PetitionError(PetitionRefusal(PetitionWhy.NO_PETITION, code))
    rows = conn.execute(
        select(
            SIGNATURE.c.full_name,
            SIGNATURE.c.cin_sealed,
            SIGNATURE.c.created_at,
            SIGNATURE.c.source,
            SIGNATURE.c.sheet,
            SIGNATURE.c.signed_on,
        )
        .where(SIGNATURE.c.petition_id == petition_id)
        .order_by(SIGNATURE.c.created_at, SIGNATURE.c.id)
    )
    return [
        Sealed(
            r.full_name, r.cin_sealed, r.created_at, r.source == PAPER, r.sheet or "", r.signed_on
        )
        for r in rows
    ]


def commune_of(conn: Connection, code: str) -> str | None:
    """The commune a petition is addressed to, which says who may see and move it."""
    query = select(PETITION.c.commune_code).where(PETITION.c.code == code.upper())
    found: str | None = conn.execute(query).scalar_one_or_none()
    return found


def status(conn: Connection, code: str) -> PetitionLife | None:
    """A petition's place in its life, locked as `move` locks it: no other change slips between
    this read and a move in the same transaction."""
    query = select(PETITION.c.status).where(PETITION.c.code == code.upper()).with_for_update()
    found = conn.execute(query).scalar_one_or_none()
    return PetitionLife(found) if found is not None else None


@dataclass(frozen=True, slots=True)
class Listed:
    """A petition in the organizers' list, with its exact count and, once filed, its clock."""

    id: int
    code: str
    life: PetitionLife
    signatures: int
    threshold: int
    deadline: datetime
    commune_code: str
    title: str
    deposited_on: date | None = None
    answer_due: date | None = None
    category: Category = Category.OTHER
    kind: PetitionKind = PetitionKind.RESIDENTS
    # The association filing it, by name ("" for a residents' petition).
    association: str = ""

    def clock(self, today: date) -> Awaiting | None:
        """How long it has awaited the council's answer, if it does."""
        return awaiting(self.life, self.deposited_on, self.answer_due, today)


def listing(
    conn: Connection,
    commune: str | None,
    life: PetitionLife | None,
    within: Collection[str] | None = None,
    today: date | None = None,
    category: Category | None = None,
) -> list[Listed]:
    """Every petition, or those of a commune, at a step of their life, or of the communes
    ``within`` (an organizer's scope); the newest first, and as of ``today`` (when given) those
    whose council's answer is overdue before them."""
    # The exact count (the petition's column and its tallies), and the association's name.
    query = select(*CARDS).order_by(PETITION.c.created_at.desc(), PETITION.c.id.desc())
    if commune is not None:
        query = query.where(PETITION.c.commune_code == commune)
    if within is not None:
        query = query.where(PETITION.c.commune_code.in_(sorted(within)))
    if life is not None:
        query = query.where(PETITION.c.status == life)
    if category is Category.OTHER:
        query = query.where(or_(PETITION.c.category.is_(None), PETITION.c.category == category))
    elif category is not None:
        query = query.where(PETITION.c.category == category)
    found = [
        Listed(
            r.id,
            r.code,
            PetitionLife(r.status),
            r.signatures,
            r.threshold,
            r.deadline,
            r.commune_code,
            r.title,
            r.deposited_on,
            r.answer_due,
            theme(r.category),
            kind_of(r.kind),
            r.association or "",
        )
        for r in conn.execute(query)
    ]
    if today is None:
        return found
    return sorted(found, key=lambda row: overdue_first(row.clock(today)))


@dataclass(frozen=True, slots=True)
class Record:
    """A petition as it is filed with the commune; `opened_at` is when it was published."""

    code: str
    text: PetitionDraft
    opened_at: datetime | None


def record(conn: Connection, code: str) -> Record:
    """A petition to file (`opened_at` None for a draft); raises `PetitionError` if unknown."""
    opened = (
        select(func.min(PETITION_EVENT.c.created_at))
        .where(
            PETITION_EVENT.c.petition_id == PETITION.c.id,
            PETITION_EVENT.c.status == PetitionLife.OPEN,
        )
        .scalar_subquery()
    )
    row = conn.execute(
        select(PETITION, opened.label("opened_at")).where(PETITION.c.code == code.upper())
    ).first()
    if row is None:
        raise PetitionError(PetitionRefusal(PetitionWhy.NO_PETITION, code))
    # The columns are named as the draft's fields; the deadline is stored as its last moment.
    fields = {name: row._mapping[name] for name in PetitionDraft.__dataclass_fields__}
    fields["deadline"] = row.deadline.astimezone(MOROCCO).date()
    fields["category"] = theme(row.category)
    fields["kind"] = kind_of(row.kind)
    return Record(row.code, PetitionDraft(**fields), row.opened_at)


def cross_reached(conn: Connection, now: datetime) -> list[str]:
    """Cross the threshold of the open petitions whose count reached it, should a signer's check
    after its commit not have run (the process stopped in between); returns their codes."""
    rows = conn.execute(
        select(*tally.COUNTED).where(
            PETITION.c.status == PetitionLife.OPEN, PETITION.c.kind == PetitionKind.RESIDENTS
        )
    ).all()
    return [row.code for row in rows if _cross(conn, row, row.signatures, None, now)]


async def cross_reached_thresholds(db: Database, now: datetime) -> list[str]:
    """`cross_reached` in a transaction of its own, for the hourly housekeeping."""
    async with db.transaction() as tx:
        return await tx.run(cross_reached, now)


async def close_expired_petitions(db: Database, now: datetime) -> list[str]:
    """`close_expired` in a transaction of its own, for the hourly housekeeping."""
    async with db.transaction() as tx:
        return await tx.run(close_expired, now)


def _checks(conn: Connection, petition_id: int) -> list[Check]:
    rows = conn.execute(
        select(PETITION_CHECK)
        .where(PETITION_CHECK.c.petition_id == petition_id)
        .order_by(PETITION_CHECK.c.position)
    )
    return [Check(CheckItem(r.item), r.years, r.ticked_by or "", r.ticked_at) for r in rows]


def checklist(conn: Connection, code: str) -> list[Check]:
    """The checklist of an association's petition, in its order (empty for a residents' one);
    raises `PetitionError` if the petition is unknown."""
    found = conn.execute(select(PETITION.c.id).where(PETITION.c.code == code.upper())).first()
    if found is None:
        raise PetitionError(PetitionRefusal(PetitionWhy.NO_PETITION, code))
    return _checks(conn, found.id)


def tick(
    conn: Connection, code: str, item: CheckItem, ticked: bool, actor: str, now: datetime
) -> list[Check]:
    """Tick (or untick) an item of a petition's checklist, under the petition's lock as filing
    reads it; returns the checklist. Raises `PetitionError` for an unknown petition, an item it
    does not have, or one already filed (its file is with the commune)."""
    petition = conn.execute(
        select(PETITION).where(PETITION.c.code == code.upper()).with_for_update()
    ).first()
    if petition is None:
        raise PetitionError(PetitionRefusal(PetitionWhy.NO_PETITION, code))
    refused = field_refusal(PetitionField.ACTOR, actor)
    if refused is None and PetitionLife(petition.status) in FILED:
        refused = PetitionRefusal(
            PetitionWhy.NOT_A_MOVE, code, current=PetitionLife(petition.status)
        )
    if refused is not None:
        raise PetitionError(refused)
    changed = conn.execute(
        update(PETITION_CHECK)
        .where(PETITION_CHECK.c.petition_id == petition.id, PETITION_CHECK.c.item == item)
        .values(ticked_by=actor if ticked else None, ticked_at=now if ticked else None)
    ).rowcount
    if not changed:
        raise PetitionError(PetitionRefusal(PetitionWhy.NOT_ON_CHECKLIST, code))
    return _checks(conn, petition.id)
