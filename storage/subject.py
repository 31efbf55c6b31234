"""Whose data is exported or erased: the resident and the address they wrote from, with the
names their actions were signed with."""

from __future__ import annotations

from dataclasses import dataclass

from conversations.kit import Address
from storage.groups import organizer_label


@dataclass(frozen=True, slots=True)
class Subject:
    """The resident whose data is exported or erased, and the address they wrote from."""

    resident_id: int
    address: Address

    @property
    def actor(self) -> str:
        # As storage/services/petitions.py signs the petitions an organizer drafts and moves.
        return str(self.address)[:80]

    @property
    def organizer(self) -> str:
        # As storage/services/authority.py signs an organizer's actions, meetings, updates and
        # groups.
        return organizer_label(self.address.channel, self.resident_id)
