"""What the in-memory services of one message share: the world, the resident, the clock, and
the organizer checks every organizer action goes through."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any

from conversations.groups import Audience, Scope
from conversations.kit import Address, Resident
from tests.memory.world import World


def seal(secret: str) -> str:
    # Not encryption: only what the contract needs, a value that is not the secret.
    return "sealed:" + secret[::-1]


def unseal(sealed: str) -> str:
    return sealed.removeprefix("sealed:")[::-1]


def cin_key(cin: str) -> str:
    return hashlib.sha256(cin.strip().upper().encode()).hexdigest()


class Here:
    """One message's view of the world."""

    def __init__(self, world: World, address: Address, clock: Callable[[], datetime]) -> None:
        self.world = world
        self.address = address
        self.clock = clock
        self._resident: Resident | None = None
        self.erased = False

    @property
    def resident(self) -> Resident:
        if self._resident is None:
            raise RuntimeError("open() the unit first")
        return self.world.residents.get(self._resident.id, self._resident)

    @resident.setter
    def resident(self, resident: Resident) -> None:
        self._resident = resident

    @property
    def me(self) -> int:
        return self.resident.id

    def change(self, **view: Any) -> None:
        self.world.residents[self.me] = replace(self.resident, **view)

    @property
    def organizer(self) -> str:
        return f"{self.address.channel} resident {self.me}"

    def scope(self) -> Scope:
        if self.address in self.world.organizers:
            return Scope(everywhere=True)
        mine = [(commune, group) for rid, commune, group in self.world.scopes if rid == self.me]
        return Scope(
            frozenset(commune for commune, group in mine if group is None),
            frozenset(group for _, group in mine if group is not None),
        )

    def audit(self, action: str, target: str, allowed: bool) -> bool:
        self.world.audit.append((self.me, action, target, allowed, self.clock()))
        return allowed

    def settled(self, audience: Audience) -> Audience | None:
        """An audience of groups takes their commune; groups of several communes, or unknown
        ones, make no audience."""
        if not audience.group_ids:
            return audience if audience.commune_code else None
        wanted = set(audience.group_ids)
        found = [g for g in self.world.groups if g.id in wanted]
        communes = {g.commune_code for g in found}
        if len(communes) != 1 or len(found) != len(wanted):
            return None
        commune = communes.pop()
        if audience.commune_code not in ("", commune):
            return None
        return Audience(commune, tuple(sorted(wanted)))

    def covers(self, audience: Audience) -> Audience | None:
        """The audience settled, when it is within the scope (not audited)."""
        settled = self.settled(audience)
        return settled if settled is not None and self.scope().covers(settled) else None

    def may(self, audience: Audience, action: str, target: str) -> Audience | None:
        settled = self.covers(audience)
        return settled if self.audit(action, target, settled is not None) else None
