"""Who may act as an organizer where, and the audit log of every try.

Every organizer action is checked here, not only in the flow, and written to the audit log
whether it was allowed or not: a refused one changes nothing else. A resident in the chat, or
an organizer signed in to the dashboard, acts within the scope they were given; the operator at
the terminal acts everywhere, as HAYNA_ADMINS do, under the name they give.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Connection, func, select

from conversations.actor import ACTOR_MAX
from conversations.groups import Audience, Scope
from conversations.kit import Address
from storage import groups
from storage.database import Tx
from storage.models import COMMUNITY_GROUP
from storage.services.bound import Bound


class Authority(ABC):
    """Someone acting as an organizer in one transaction: their scope, and their audited tries."""

    def __init__(self, tx: Tx, clock: Callable[[], datetime]) -> None:
        self.tx = tx
        self.clock = clock

    @abstractmethod
    async def scope(self) -> Scope: ...

    @property
    @abstractmethod
    def resident_id(self) -> int | None:
        """The resident the audit log links the try to; None for the operator."""

    @property
    @abstractmethod
    def organizer(self) -> str:
        """Who acts, in the audit log's and the stored rows' words."""

    async def covers(self, audience: Audience) -> Audience | None:
        """The audience with its commune settled, when it is within the scope (not audited)."""
        settled = await self.tx.run(_settled, audience)
        return settled if settled is not None and (await self.scope()).covers(settled) else None

    async def may(self, audience: Audience, action: str, target: str) -> Audience | None:
        """The audience with its commune settled, when it may be addressed; audited."""
        settled = await self.covers(audience)
        return settled if await self.audit(action, target, settled is not None) else None

    async def audit(self, action: str, target: str, allowed: bool) -> bool:
        await self.tx.run(
            groups.audit, self.resident_id, self.organizer, action, target, allowed, self.clock()
        )
        return allowed


class ResidentAuthority(Authority):
    """The organizer checks of one message's resident."""

    def __init__(self, bound: Bound) -> None:
        super().__init__(bound.tx, bound.clock)
        self.bound = bound

    async def scope(self) -> Scope:
        return await _scope(self.tx, self.bound.address, self.bound.me, self.bound.organizers)

    @property
    def resident_id(self) -> int | None:
        return self.bound.me

    @property
    def organizer(self) -> str:
        # The channel and the resident's number, never their phone number or chat id: the
        # audit log outlives an erasure, which only unlinks resident_id.
        return groups.organizer_label(self.bound.address.channel, self.bound.me)


class OrganizerAuthority(Authority):
    """An organizer signed in to the dashboard: their scope read afresh in each transaction, so
    one whose scopes were taken away is refused at once."""

    def __init__(
        self,
        tx: Tx,
        clock: Callable[[], datetime],
        resident_id: int,
        address: Address,
        organizers: frozenset[Address],
    ) -> None:
        super().__init__(tx, clock)
        self._resident_id = resident_id
        self.address = address
        self.organizers = organizers

    async def scope(self) -> Scope:
        return await _scope(self.tx, self.address, self._resident_id, self.organizers)

    @property
    def resident_id(self) -> int | None:
        return self._resident_id

    @property
    def organizer(self) -> str:
        # Signed as in the chat: the same organizer's actions read alike wherever they were made.
        return groups.organizer_label(self.address.channel, self._resident_id)


class OperatorAuthority(Authority):
    """The operator at the terminal: every audience is theirs; no resident is linked."""

    def __init__(self, tx: Tx, actor: str, now: datetime) -> None:
        super().__init__(tx, lambda: now)
        self.actor = actor[:ACTOR_MAX]

    async def scope(self) -> Scope:
        return Scope(everywhere=True)

    @property
    def resident_id(self) -> int | None:
        return None

    @property
    def organizer(self) -> str:
        return self.actor


async def _scope(
    tx: Tx, address: Address, resident_id: int, organizers: frozenset[Address]
) -> Scope:
    # HAYNA_ADMINS are organizers everywhere, by the environment; the others by stored scopes.
    if address in organizers:
        return Scope(everywhere=True)
    return await tx.run(groups.scope_of, resident_id)


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
