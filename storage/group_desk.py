"""The organizers' desk for groups: the groups of a scope with their members, new groups and
invite codes through storage/operator.py (checked and audited as on the command line), and the
audit log of the scope's organizers."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, func, or_, select

from conversations.desk import Done, Signed
from conversations.group_desk import AUDIT_LINES, AuditLine, GroupLine, Groups, Invited
from conversations.groups import Group, GroupKind, Scope, fits_group_name
from storage.acting import Acting
from storage.models import AUDIT_ENTRY, COMMUNITY_GROUP, MEMBERSHIP, ORGANIZER, REPORT

# Groups listed for an organizer everywhere, at most: they pick a commune's from the list.
GROUPS_SHOWN = 500


def _communes(conn: Connection, scope: Scope) -> tuple[str, ...]:
    """Where the organizer may add groups: their communes; everywhere, those with a group or a
    report so far."""
    if not scope.everywhere:
        return tuple(sorted(scope.communes))
    found = select(COMMUNITY_GROUP.c.commune_code).union(select(REPORT.c.commune_code))
    return tuple(sorted(conn.execute(found).scalars()))


def groups_of(conn: Connection, scope: Scope) -> Groups:
    """The scope's groups with their members counted in the same query."""
    members = (
        select(func.count())
        .where(MEMBERSHIP.c.group_id == COMMUNITY_GROUP.c.id)
        .correlate(COMMUNITY_GROUP)
        .scalar_subquery()
    )
    query = select(COMMUNITY_GROUP, members.label("members")).order_by(
        COMMUNITY_GROUP.c.commune_code, COMMUNITY_GROUP.c.id
    )
    if not scope.everywhere:
        query = query.where(
            or_(
                COMMUNITY_GROUP.c.commune_code.in_(sorted(scope.communes)),
                COMMUNITY_GROUP.c.id.in_(sorted(scope.groups)),
            )
        )
    lines = tuple(
        GroupLine(Group(r.id, r.commune_code, GroupKind(r.kind), r.name or ""), r.members)
        for r in conn.execute(query.limit(GROUPS_SHOWN))
    )
    return Groups(_communes(conn, scope), lines)


def audit_of(conn: Connection, scope: Scope) -> list[AuditLine]:
    """The latest actions of the organizers who share a commune or a group with the scope."""
    query = select(AUDIT_ENTRY).order_by(AUDIT_ENTRY.c.id.desc()).limit(AUDIT_LINES)
    if not scope.everywhere:
        groups_there = select(COMMUNITY_GROUP.c.id).where(
            COMMUNITY_GROUP.c.commune_code.in_(sorted(scope.communes))
        )
        colleagues = select(ORGANIZER.c.resident_id).where(
            or_(
                ORGANIZER.c.commune_code.in_(sorted(scope.communes)),
                ORGANIZER.c.group_id.in_(sorted(scope.groups)),
                ORGANIZER.c.group_id.in_(groups_there),
            )
        )
        query = query.where(AUDIT_ENTRY.c.resident_id.in_(colleagues))
    return [
        AuditLine(r.created_at, r.actor, r.action, r.target, r.allowed) for r in conn.execute(query)
    ]


class SqlGroupDesk:
    """`GroupDesk` on SQL, under the signed-in organizer's authority."""

    def __init__(self, acting: Acting) -> None:
        self._acting = acting

    async def groups(self, who: Signed) -> Groups:
        async with self._acting(who) as op:
            return await op.tx.run(groups_of, await op.authority.scope())

    async def create_group(
        self, who: Signed, commune: str, kind: GroupKind, name: str
    ) -> int | Done:
        async with self._acting(who) as op:
            if not fits_group_name(name):
                await op.authority.audit("create_group", name[:64], False)
                return Done.INVALID
            made = await op.create_group(commune, kind, name.strip())
        return Done.REFUSED if made is None else made

    async def invite(self, who: Signed, commune: str, group_id: int | None) -> Invited | Done:
        async with self._acting(who) as op:
            code = await op.invite(commune, group_id)
        return Done.REFUSED if code is None else Invited(code, commune, group_id)

    async def audit(self, who: Signed) -> Sequence[AuditLine]:
        async with self._acting(who) as op:
            return await op.tx.run(audit_of, await op.authority.scope())
