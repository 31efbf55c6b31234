"""`Places` in memory: a few communes, each a box instead of its boundary."""

from __future__ import annotations

from collections.abc import Sequence

from conversations.folding import fold
from conversations.kit import Location, Place
from tests.memory.world import Area


def _area(code: str, ar: str, fr: str, province: tuple[str, str], kind: str, box: str) -> Area:
    south, north, west, east = (float(edge) for edge in box.split())
    return Area(Place(code, ar, fr, province[0], province[1], kind), (south, north, west, east))


_AGADIR = ("أكادير إدا وتنان", "Agadir Ida Ou Tanane")
_INEZGANE = ("إنزكان ايت ملول", "Inezgane Ait Melloul")
_CASABLANCA = ("الدار البيضاء", "Casablanca")
# Real codes and names of the gazetteer; the boxes are rough.
AREAS = (
    _area("001.01.01", "اكادير", "Agadir", _AGADIR, "municipality", "30.38 30.50 -9.70 -9.52"),
    _area("001.05.01", "امسكروض", "Amskroud", _AGADIR, "rural", "30.50 30.60 -9.40 -9.25"),
    _area("273.01.15", "انزكان", "Inezgane", _INEZGANE, "municipality", "30.33 30.38 -9.56 -9.50"),
    _area("141.01.01", "أنفا", "Anfa", _CASABLANCA, "arrondissement", "33.57 33.61 -7.70 -7.62"),
    _area(
        "141.01.61",
        "ابن امسيك",
        "Ben M'Sick",
        _CASABLANCA,
        "arrondissement",
        "33.54 33.57 -7.60 -7.57",
    ),
)
# How far beyond a box a pin still counts as near it (about 300 m).
NEAR = 0.003


def _inside(area: Area, location: Location, margin: float = 0.0) -> bool:
    south, north, west, east = area.box
    return (
        south - margin <= location.lat <= north + margin
        and west - margin <= location.lon <= east + margin
    )


class MemoryPlaces:
    def __init__(self, areas: Sequence[Area]) -> None:
        self.areas = tuple(areas)

    async def find_communes(self, query: str, limit: int) -> Sequence[Place]:
        q = fold(query)
        if not q or limit <= 0:
            return []
        names = [
            (area.place, (fold(area.place.name_fr), fold(area.place.name_ar)))
            for area in self.areas
        ]
        exact = [p for p, both in names if q in both]
        prefix = [p for p, both in names if p not in exact and any(n.startswith(q) for n in both)]
        inner = [p for p, both in names if p not in exact + prefix and any(q in n for n in both)]
        return [*exact, *prefix, *inner][:limit]

    async def commune_at(self, location: Location) -> Place | None:
        return next((area.place for area in self.areas if _inside(area, location)), None)

    async def communes_near(self, location: Location) -> Sequence[Place]:
        under = await self.commune_at(location)
        if under is None:
            return []
        near = [a.place for a in self.areas if a.place != under and _inside(a, location, NEAR)]
        return [under, *near]

    async def commune(self, code: str) -> Place | None:
        return next((area.place for area in self.areas if area.place.code == code), None)
