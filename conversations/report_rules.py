"""Which reports are offered as the same need, and what a status change needs, as data and
pure functions.

A report is suggested as a duplicate of an open one of the same category and commune, from the
last `NEARBY_DAYS`, pinned within `NEARBY_METRES` or typed at the same place; the nearest
`NEARBY_MAX` are offered. Storage enforces the status rules and raises `ReportError` with a
`ReportRefusal`; the command line and the chat say it in their own words.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from conversations.actor import actor_fits
from conversations.desk import REASON_MAX
from conversations.folding import fold
from conversations.report import ReportStatus

NEARBY_METRES = 300
NEARBY_DAYS = timedelta(days=90)
NEARBY_MAX = 3
# What a typed place is compared by is kept in a column this wide.
PLACE_KEY_MAX = 200
_EARTH_METRES = 6_371_000
_METRES_PER_DEGREE = 111_000


def place_key(place: str) -> str:
    """What two typed neighbourhoods are compared by: "Hay Mohammadi" = "hay mohammadi"."""
    # Folding can lengthen text (ligatures such as ﷺ): cut to the column, it is only compared.
    return fold(place)[:PLACE_KEY_MAX]


def nearby_since(now: datetime) -> datetime:
    """The oldest a report may be to be offered as the same need."""
    return now - NEARBY_DAYS


def box(lat: float) -> tuple[float, float]:
    """Half the sides, in degrees of latitude and longitude, of a box holding every point
    within `NEARBY_METRES` of a pin at ``lat`` (longitude widens by the cosine of latitude)."""
    degrees = NEARBY_METRES / _METRES_PER_DEGREE
    return degrees, degrees / max(math.cos(math.radians(lat)), 0.1)


def metres(lat1: float | None, lon1: float | None, lat2: float | None, lon2: float | None) -> float:
    """The distance between two pins; infinite when one is missing."""
    if lat1 is None or lon1 is None or lat2 is None or lon2 is None:
        return math.inf
    # Haversine: exact enough at 300 m, and no GIS extension needed on SQLite.
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * _EARTH_METRES * math.asin(math.sqrt(a))


def same_need(distance: float, place: str, other_place: str) -> bool:
    """Whether a report this far away, typed at ``other_place``, is offered as the same need
    as one at ``place`` (both of the same category, commune and time)."""
    key = place_key(place)
    return distance <= NEARBY_METRES or bool(key and other_place and place_key(other_place) == key)


# A report's reference as storage makes it: R-2026-000123 (more digits past a million).
_REFERENCE = re.compile(r"R-\d{4}-\d{6,12}")


def is_reference(text: str) -> bool:
    """Whether ``text`` has the shape of a report's reference (letters in capitals)."""
    return _REFERENCE.fullmatch(text) is not None


class ReportWhy(StrEnum):
    NO_REPORT = "no_report"
    ACTOR = "actor"
    # Followers are told why their report is rejected.
    NO_REASON = "no_reason"
    # A duplicate points to another report, still open, that its followers follow instead.
    NO_KEPT = "no_kept"
    # Only a duplicate points to a report kept.
    KEPT_WITHOUT_DUPLICATE = "kept_without_duplicate"
    # The photo or voice note to hide is not one of the report's.
    NO_MEDIA = "no_media"
    # What is hidden keeps why, in 1 to `REASON_MAX` characters, for organizers to read later.
    HIDE_REASON = "hide_reason"


@dataclass(frozen=True, slots=True)
class ReportRefusal:
    why: ReportWhy
    ref: str = ""
    length: int = 0


class ReportError(ValueError):
    """A status change that cannot be made; `refusal` says why."""

    def __init__(self, refusal: ReportRefusal) -> None:
        super().__init__(refusal.why.value)
        self.refusal = refusal


def status_refusal(
    ref: str, status: ReportStatus, note: str, actor: str, kept: str = ""
) -> ReportRefusal | None:
    """What keeps a report from taking ``status``, before the report kept (``kept``, given
    for a duplicate only) is looked at."""
    if not actor_fits(actor):
        return ReportRefusal(ReportWhy.ACTOR, ref, len(actor))
    if status is ReportStatus.REJECTED and not note.strip():
        return ReportRefusal(ReportWhy.NO_REASON, ref)
    if kept and status is not ReportStatus.DUPLICATE:
        return ReportRefusal(ReportWhy.KEPT_WITHOUT_DUPLICATE, ref)
    return None


def keeps(report_id: int, kept_id: int) -> bool:
    """Whether a duplicate may point to ``kept_id``, an open report: not to itself."""
    return kept_id != report_id


def hide_refusal(ref: str, reason: str, actor: str) -> ReportRefusal | None:
    """What keeps a report's text or file from being hidden with ``reason`` (trimmed first)."""
    if not actor_fits(actor):
        return ReportRefusal(ReportWhy.ACTOR, ref, len(actor))
    kept = reason.strip()
    if not kept or len(kept) > REASON_MAX:
        return ReportRefusal(ReportWhy.HIDE_REASON, ref, len(kept))
    return None
