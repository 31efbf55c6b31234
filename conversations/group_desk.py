"""The organizers' desk for groups and organizers: the groups of their scope with their members,
new groups, invite codes that make organizers, and the audit log of their scope."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from conversations.desk import Done, Signed
from conversations.groups import Group, GroupKind

# Lines of the audit log on its page.
AUDIT_LINES = 100


@dataclass(frozen=True, slots=True)
class GroupLine:
    group: Group
    members: int


@dataclass(frozen=True, slots=True)
class Groups:
    """The communes an organizer may add groups to, and the groups of their scope."""

    communes: tuple[str, ...]
    lines: tuple[GroupLine, ...]


@dataclass(frozen=True, slots=True)
class Invited:
    """A single-use code, to type in the chat as ``ORG CODE``."""

    code: str
    commune_code: str
    group_id: int | None


@dataclass(frozen=True, slots=True)
class AuditLine:
    at: datetime
    actor: str
    action: str
    target: str
    allowed: bool


class GroupDesk(Protocol):
    """Groups, invites and the audit log, one transaction each, within the scope."""

    async def groups(self, who: Signed) -> Groups: ...

    async def create_group(
        self, who: Signed, commune: str, kind: GroupKind, name: str
    ) -> int | Done:
        """The new group's number; REFUSED outside the scope, INVALID for an empty or long
        name (audited like the command line's)."""
        ...

    async def invite(self, who: Signed, commune: str, group_id: int | None) -> Invited | Done: ...

    async def audit(self, who: Signed) -> Sequence[AuditLine]:
        """The latest `AUDIT_LINES` actions of the organizers of the scope, theirs included;
        everyone's for an organizer everywhere."""
        ...
