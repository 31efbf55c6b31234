"""Groups of a commune and their members; organizers, their invites, scopes (granted and taken
away) and audit log.

An invite is redeemed by one UPDATE that only matches an unused, unexpired code, so two
residents typing it at once cannot both become organizers.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import Connection, delete, insert, select, update

from conversations.actor import ACTOR_MAX
from conversations.groups import BUILT_IN, GROUP_NAME_MAX, Group, GroupKind, Reach, Redeemed, Scope
from conversations.kit import Address
from storage.dialect import insert_ignore
from storage.models import (
    AUDIT_ENTRY,
    COMMUNITY_GROUP,
    MEMBERSHIP,
    ORGANIZER,
    ORGANIZER_INVITE,
    RESIDENT,
)

INVITE_VALID = timedelta(hours=48)
# No 0/O or 1/I: the code is read aloud and typed on phones.
INVITE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
INVITE_LENGTH = 8
NAME_MAX = GROUP_NAME_MAX


def organizer_label(channel: str, resident_id: int) -> str:
    """How an organizer's actions and what they make are signed: the channel and the resident's
    number, never their phone number or chat id."""
    return f"{channel} resident {resident_id}"


def labelled(conn: Connection, label: str) -> int | None:
    """The resident an `organizer_label` names, if it is one and they are still there (an
    operator at the terminal signs with their own name)."""
    channel, _sep, number = label.rpartition(" resident ")
    if not channel or not number.isdigit():
        return None
    query = select(RESIDENT.c.id).where(RESIDENT.c.id == int(number), RESIDENT.c.channel == channel)
    found: int | None = conn.execute(query).scalar_one_or_none()
    return found


def organizers_of(conn: Connection, commune: str) -> list[int]:
    """The residents who organize the whole commune (its groups' organizers excluded)."""
    query = select(ORGANIZER.c.resident_id).where(
        ORGANIZER.c.commune_code == commune, ORGANIZER.c.group_id.is_(None)
    )
    return sorted(set(conn.execute(query).scalars()))


def ensure_built_in(conn: Connection, commune: str, now: datetime) -> None:
    for kind in BUILT_IN:
        insert_ignore(
            conn,
            COMMUNITY_GROUP,
            commune_code=commune,
            kind=kind,
            name="",
            created_by="hayna",
            created_at=now,
        )


def create_group(
    conn: Connection, commune: str, kind: GroupKind, name: str, actor: str, now: datetime
) -> int:
    """A named group of a commune (an association, a neighbourhood); its id, new or existing."""
    values = {"commune_code": commune, "kind": kind, "name": name.strip()[:NAME_MAX]}
    insert_ignore(conn, COMMUNITY_GROUP, **values, created_by=actor[:ACTOR_MAX], created_at=now)
    found = select(COMMUNITY_GROUP.c.id).where(
        *(COMMUNITY_GROUP.c[column] == value for column, value in values.items())
    )
    return int(conn.execute(found).scalar_one())


def groups_in(
    conn: Connection, commune: str, resident_id: int | None, now: datetime
) -> list[Group]:
    """The groups of a commune, built-in ones first, marked when ``resident_id`` is a member."""
    ensure_built_in(conn, commune, now)
    mine = set()
    if resident_id is not None:
        mine = set(
            conn.execute(
                select(MEMBERSHIP.c.group_id).where(MEMBERSHIP.c.resident_id == resident_id)
            ).scalars()
        )
    rows = conn.execute(
        select(COMMUNITY_GROUP)
        .where(COMMUNITY_GROUP.c.commune_code == commune)
        .order_by(COMMUNITY_GROUP.c.name != "", COMMUNITY_GROUP.c.id)
    )
    return [Group(r.id, r.commune_code, GroupKind(r.kind), r.name, r.id in mine) for r in rows]


def group(conn: Connection, group_id: int) -> Group | None:
    row = conn.execute(select(COMMUNITY_GROUP).where(COMMUNITY_GROUP.c.id == group_id)).first()
    return Group(row.id, row.commune_code, GroupKind(row.kind), row.name) if row else None


def join(conn: Connection, group_id: int, resident_id: int, now: datetime) -> bool:
    return insert_ignore(
        conn, MEMBERSHIP, group_id=group_id, resident_id=resident_id, created_at=now
    )


def leave(conn: Connection, group_id: int, resident_id: int) -> bool:
    gone = conn.execute(
        delete(MEMBERSHIP).where(
            MEMBERSHIP.c.group_id == group_id, MEMBERSHIP.c.resident_id == resident_id
        )
    )
    return gone.rowcount > 0


def invite(conn: Connection, commune: str, group_id: int | None, actor: str, now: datetime) -> str:
    """A new single-use code, valid 48 hours."""
    while True:
        code = "".join(secrets.choice(INVITE_ALPHABET) for _ in range(INVITE_LENGTH))
        if insert_ignore(
            conn,
            ORGANIZER_INVITE,
            code=code,
            commune_code=commune,
            group_id=group_id,
            created_by=actor[:ACTOR_MAX],
            created_at=now,
            expires_at=now + INVITE_VALID,
        ):
            return code


def redeem(conn: Connection, code: str, resident_id: int, now: datetime) -> Redeemed:
    code = code.strip().upper()
    taken = conn.execute(
        update(ORGANIZER_INVITE)
        .where(
            ORGANIZER_INVITE.c.code == code,
            ORGANIZER_INVITE.c.redeemed_at.is_(None),
            ORGANIZER_INVITE.c.expires_at > now,
        )
        .values(redeemed_by=resident_id, redeemed_at=now)
    )
    row = conn.execute(select(ORGANIZER_INVITE).where(ORGANIZER_INVITE.c.code == code)).first()
    if row is None:
        return Redeemed.UNKNOWN
    if taken.rowcount != 1:
        return Redeemed.USED if row.redeemed_at is not None else Redeemed.EXPIRED
    conn.execute(
        insert(ORGANIZER).values(
            resident_id=resident_id,
            commune_code=row.commune_code,
            group_id=row.group_id,
            invite_code=code,
            granted_at=now,
        )
    )
    return Redeemed.OK


def scope_of(conn: Connection, resident_id: int) -> Scope:
    rows = conn.execute(
        select(ORGANIZER.c.commune_code, ORGANIZER.c.group_id).where(
            ORGANIZER.c.resident_id == resident_id
        )
    ).all()
    return Scope(
        frozenset(r.commune_code for r in rows if r.group_id is None),
        frozenset(r.group_id for r in rows if r.group_id is not None),
    )


def resident_at(conn: Connection, address: Address) -> int | None:
    """The resident behind an address, if they ever wrote."""
    query = select(RESIDENT.c.id).where(
        RESIDENT.c.channel == address.channel, RESIDENT.c.user_id == address.user
    )
    return conn.execute(query).scalar_one_or_none()


def home_of(conn: Connection, resident_id: int) -> str | None:
    """The commune a resident chose, if any."""
    found = select(RESIDENT.c.commune_code).where(RESIDENT.c.id == resident_id)
    return conn.execute(found).scalar() or None


def remove_scopes(
    conn: Connection, resident_id: int, commune: str | None, group_id: int | None
) -> list[tuple[str, int | None]]:
    """Take scopes away from an organizer: one group's (``group_id``), every one in ``commune``
    (the commune's and its groups'), or all of them (neither given). Returns those removed; the
    next action the organizer tries is refused, since every action reads the scope afresh."""
    where = [ORGANIZER.c.resident_id == resident_id]
    if group_id is not None:
        where.append(ORGANIZER.c.group_id == group_id)
    elif commune is not None:
        where.append(ORGANIZER.c.commune_code == commune)
    removed = conn.execute(
        delete(ORGANIZER).where(*where).returning(ORGANIZER.c.commune_code, ORGANIZER.c.group_id)
    ).all()
    return sorted({(r.commune_code, r.group_id) for r in removed}, key=lambda s: (s[0], s[1] or 0))


def groups_within(conn: Connection, scope: Scope, commune: str | None) -> list[Group]:
    """The groups an organizer may address; for an admin, those of ``commune``."""
    if scope.everywhere:
        where = COMMUNITY_GROUP.c.commune_code == (commune or "")
    else:
        where = COMMUNITY_GROUP.c.commune_code.in_(sorted(scope.communes)) | (
            COMMUNITY_GROUP.c.id.in_(sorted(scope.groups))
        )
    rows = conn.execute(select(COMMUNITY_GROUP).where(where).order_by(COMMUNITY_GROUP.c.id))
    return [Group(r.id, r.commune_code, GroupKind(r.kind), r.name) for r in rows]


def reach(conn: Connection, scope: Scope, home: str | None, now: datetime) -> Reach:
    """The communes and groups an organizer of ``scope`` may address (an admin: those of their
    own commune ``home``), each commune's built-in groups made first."""
    if scope.everywhere:
        communes: tuple[str, ...] = (home,) if home else ()
    else:
        communes = tuple(sorted(scope.communes))
    for commune in communes:
        ensure_built_in(conn, commune, now)
    return Reach(communes, tuple(groups_within(conn, scope, home)))


def audit(
    conn: Connection,
    resident_id: int | None,
    actor: str,
    action: str,
    target: str,
    allowed: bool,
    now: datetime,
) -> None:
    conn.execute(
        insert(AUDIT_ENTRY).values(
            resident_id=resident_id,
            actor=actor[:ACTOR_MAX],
            action=action[:32],
            target=target[:64],
            allowed=allowed,
            created_at=now,
        )
    )


def audit_trail(
    conn: Connection, limit: int = 50
) -> Sequence[tuple[datetime, str, str, str, bool]]:
    rows = conn.execute(select(AUDIT_ENTRY).order_by(AUDIT_ENTRY.c.id.desc()).limit(limit)).all()
    return [(r.created_at, r.actor, r.action, r.target, r.allowed) for r in rows]
