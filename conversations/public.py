"""A petition as anyone may read it on its public page and its poster: what it asks, its count,
its commune, the association that files it if it is an association's; never a signer nor a
supporter, never the representative. As plain data and a Protocol that `storage` implements."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from conversations.petition import PetitionKind, PetitionLife


@dataclass(frozen=True, slots=True)
class PublicPetition:
    """A petition past its draft, as its public page shows it."""

    code: str
    title: str
    summary: str
    body: str
    requests: str
    commune_code: str
    # The commune's name in Arabic and in Latin script (its code when the gazetteer lacks it).
    commune_ar: str
    commune_fr: str
    signatures: int
    # Of the signatures, those collected on paper.
    paper: int
    threshold: int
    # The last moment to sign, and the whole days left until it.
    deadline: datetime
    days_left: int
    life: PetitionLife
    # An association's petition: residents support it (`signatures` counts the supports,
    # `threshold` is 0, `paper` too), and the association, by name, files it.
    kind: PetitionKind = PetitionKind.RESIDENTS
    association: str = ""


class PublicPetitions(Protocol):
    """The petitions the public pages show, and their posters."""

    async def petition(self, code: str) -> PublicPetition | None:
        """The petition of this code; None for an unknown code or a draft."""
        ...

    def poster(self, petition: PublicPetition, url: str) -> bytes:
        """An A4 PDF poster of the petition with a QR code of ``url``, its public page."""
        ...
