"""What a reported need is made of: categories, statuses and their words, the seam's types."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from conversations.kit import Media, Option
from conversations.text import Renderable, _, pgettext


class Category(StrEnum):
    ROADS = "roads"
    LIGHTING = "lighting"
    WATER = "water"
    WASTE = "waste"
    SCHOOL_TRANSPORT = "school_transport"
    ACCESS = "access"
    ENVIRONMENT = "environment"
    CULTURE = "culture"
    SPORTS = "sports"
    HEALTH = "health"
    SAFETY = "safety"
    ACCESSIBILITY = "accessibility"
    OTHER = "other"


CATEGORY_LABELS: dict[Category, Renderable] = {
    Category.ROADS: pgettext("category", "Roads and sidewalks"),
    Category.LIGHTING: pgettext("category", "Public lighting"),
    Category.WATER: pgettext("category", "Water and sanitation"),
    Category.WASTE: pgettext("category", "Waste and cleanliness"),
    Category.SCHOOL_TRANSPORT: pgettext("category", "School transport"),
    Category.ACCESS: pgettext("category", "Access and isolation (tracks, public transport)"),
    Category.ENVIRONMENT: pgettext("category", "Green spaces and environment"),
    Category.CULTURE: pgettext("category", "Culture, arts and youth spaces"),
    Category.SPORTS: pgettext("category", "Sports facilities"),
    Category.HEALTH: pgettext("category", "Health services"),
    Category.SAFETY: pgettext("category", "Safety"),
    Category.ACCESSIBILITY: pgettext("category", "Accessibility for persons with disabilities"),
    Category.OTHER: pgettext("category", "Other"),
}
CATEGORIES = tuple(Option(category.value, label) for category, label in CATEGORY_LABELS.items())


class ReportStatus(StrEnum):
    RECEIVED = "received"
    UNDER_REVIEW = "under_review"
    FORWARDED = "forwarded"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    REJECTED = "rejected"
    DUPLICATE = "duplicate"


# Closed reports are not offered for support; an organizer may still reopen one.
CLOSED = frozenset({ReportStatus.RESOLVED, ReportStatus.REJECTED, ReportStatus.DUPLICATE})

STATUS_LABELS: dict[ReportStatus, Renderable] = {
    ReportStatus.RECEIVED: pgettext("status", "received"),
    ReportStatus.UNDER_REVIEW: pgettext("status", "under review"),
    ReportStatus.FORWARDED: pgettext("status", "forwarded to the commune"),
    ReportStatus.IN_PROGRESS: pgettext("status", "in progress"),
    ReportStatus.RESOLVED: pgettext("status", "resolved"),
    ReportStatus.REJECTED: pgettext("status", "rejected"),
    ReportStatus.DUPLICATE: pgettext("status", "duplicate"),
}


@dataclass(frozen=True, slots=True)
class Draft:
    """A report as the resident confirms it."""

    category: Category
    other_label: str
    commune_code: str
    place: str
    lat: float | None
    lon: float | None
    description: str
    media: tuple[Media, ...]
    # The place said in a voice note, when it was not typed nor pinned.
    place_voice: Media | None = None


@dataclass(frozen=True, slots=True)
class Brief:
    """A report in a list: enough to recognise it."""

    ref: str
    category: Category
    other_label: str
    place: str
    status: ReportStatus
    created_at: datetime
    updated_at: datetime
    supporters: int


@dataclass(frozen=True, slots=True)
class Event:
    status: ReportStatus
    note: str
    at: datetime


@dataclass(frozen=True, slots=True)
class Detail:
    brief: Brief
    description: str
    media: tuple[Media, ...]
    duplicate_of: str
    history: tuple[Event, ...]


def category_label(category: Category, other_label: str) -> Renderable:
    """The category as shown; "other" shows the resident's own words when they gave some."""
    if category is Category.OTHER and other_label:
        return _("Other: {label}", label=other_label)
    return CATEGORY_LABELS[category]


def status_notice(ref: str, status: ReportStatus, note: str, duplicate_of: str) -> Renderable:
    """The push sent to the reporter and supporters when a report changes status."""
    label = STATUS_LABELS[status]
    if status is ReportStatus.DUPLICATE and duplicate_of:
        return _(
            "Report {ref} is a duplicate of {kept}: follow {kept} from now on.",
            ref=ref,
            kept=duplicate_of,
        )
    if note:
        return _("Report {ref} is now {status}. Note: {note}", ref=ref, status=label, note=note)
    return _("Report {ref} is now {status}.", ref=ref, status=label)
