"""Who may act as an organizer where, and the audit log of every try.

Every organizer action is checked here, not only in the flow, and written to the audit log
whether it was allowed or not: a refused one changes nothing else.
"""

from __future__ import annotations

from sqlalchemy import Connection, func, select

from conversations.groups import Audience, Scope
from storage import groups
from storage.models import COMMUNITY_GROUP
from storage.services.bound import Bound


class Authority:
    """The organizer checks of one message's resident."""

    def __init__(self, bound: Bound) -> None:
        self.bound = bound

    async def scope(self) -> Scope:
        if self.bound.address in self.bound.organizers:
            return Scope(everywhere=True)
        return await self.bound.tx.run(groups.scope_of, self.bound.me)

    async def may(self, audience: Audience, action: str, target: str) -> Audience | None:
        """The audience with its commune settled, when the resident may address it."""
        settled = await self.bound.tx.run(_settled, audience)
        allowed = settled is not None and (await self.scope()).covers(settled)
        return settled if await self.audit(action, target, allowed) else None

    async def audit(self, action: str, target: str, allowed: bool) -> bool:
        b = self.bound
        await b.tx.run(groups.audit, b.me, self.organizer, action, target, allowed, b.clock())
        return allowed

    @property
    def organizer(self) -> str:
        # The channel and the resident's number, never their phone number or chat id: the
        # audit log outlives an erasure, which only unlinks resident_id.
        return groups.organizer_label(self.bound.address.channel, self.bound.me)


def _settled(conn: Connection, audience: Audience) -> Audience | None:
    """An audience of groups takes their commune; groups of several communes, or unknown ones,
    make no audience."""
    if not audience.group_ids:
        return audience if audience.commune_code else None
    communes = set(
        conn.execute(
            select(COMMUNITY_GROUP.c.commune_code).where(
                COMMUNITY_GROUP.c.id.in_(audience.group_ids)
            )
        ).scalars()
    )
    found = conn.execute(
        select(func.count()).where(COMMUNITY_GROUP.c.id.in_(audience.group_ids))
    ).scalar_one()
    if len(communes) != 1 or found != len(set(audience.group_ids)):
        return None
    commune = communes.pop()
    if audience.commune_code not in ("", commune):
        return None
    return Audience(commune, tuple(sorted(set(audience.group_ids))))
