"""The communes of the gazetteer, as flows see them."""

from __future__ import annotations

from collections.abc import Sequence

from conversations.kit import Location, Place
from storage.gazetteer import Commune, Gazetteer


def place_of(commune: Commune) -> Place:
    return Place(
        commune.code,
        commune.name_ar,
        commune.name_fr,
        commune.province_ar,
        commune.province_fr,
        commune.kind,
    )


class SqlPlaces:
    """`Places` over the gazetteer loaded in memory (no SQL: the communes change only with a
    new release of the data)."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer

    async def find_communes(self, query: str, limit: int) -> Sequence[Place]:
        return [place_of(commune) for commune in self.gazetteer.search(query, limit)]

    async def commune_at(self, location: Location) -> Place | None:
        commune = self.gazetteer.at(location.lat, location.lon)
        return place_of(commune) if commune else None

    async def communes_near(self, location: Location) -> Sequence[Place]:
        return [place_of(c) for c in self.gazetteer.around(location.lat, location.lon)]

    async def commune(self, code: str) -> Place | None:
        commune = self.gazetteer.get(code)
        return place_of(commune) if commune else None
