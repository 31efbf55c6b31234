"""An association's petition: the association files it, so it needs no signature threshold,
but its filing needs documents and conditions that an organizer ticks off one by one.

Organic law 113.14 (articles 121–125) and decree 2.16.403 as commonly cited, NOT verified
against the official text: the association has been legally constituted for at least three
years, has its seat or a branch in the commune, is in good standing with the law and its
statutes, and the petition is within its field of activity; the filing joins its statutes,
the final receipt of its declaration and its governing body's decision. Which items apply and
the years of existence are settings (HAYNA_ASSOCIATION_CHECKLIST, HAYNA_ASSOCIATION_YEARS); a
petition keeps the checklist it was created with, so a later change of the settings does not
untick it. Residents may *support* such a petition: counted and shown, not a legal signature.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from conversations.text import Renderable, _

# The years of legal existence commonly cited for an association that files a petition.
YEARS = 3


class CheckItem(StrEnum):
    EXISTENCE = "existence"
    SEAT = "seat"
    STANDING = "standing"
    PURPOSE = "purpose"
    STATUTES = "statutes"
    RECEIPT = "receipt"
    DECISION = "decision"


def item_label(item: CheckItem, years: int) -> Renderable:
    """What an organizer checks for ``item``; ``years`` is the existence the petition needs."""
    match item:
        case CheckItem.EXISTENCE:
            return _(
                "The association has been legally constituted for at least {years} years",
                years=years,
            )
        case CheckItem.SEAT:
            return _("Its seat, or one of its branches, is in the commune")
        case CheckItem.STANDING:
            return _(
                "It is in good standing with the law and its statutes, and works by democratic "
                "principles"
            )
        case CheckItem.PURPOSE:
            return _("The petition's subject is within the association's field of activity")
        case CheckItem.STATUTES:
            return _("A copy of its statutes is attached")
        case CheckItem.RECEIPT:
            return _("A copy of the final receipt of its declaration is attached")
        case CheckItem.DECISION:
            return _(
                "The decision of its governing body to file the petition, naming its "
                "representative, is attached"
            )


@dataclass(frozen=True, slots=True)
class Checklist:
    """The checklist new association petitions get: its items, in order, and the years."""

    items: tuple[CheckItem, ...] = tuple(CheckItem)
    years: int = YEARS


DEFAULT_CHECKLIST = Checklist()


def read_checklist(raw: str) -> tuple[CheckItem, ...]:
    """Items named by their keys, separated by commas; raises ValueError naming the unknown."""
    keys = [key.strip().lower() for key in raw.split(",") if key.strip()]
    unknown = [key for key in keys if key not in {item.value for item in CheckItem}]
    if unknown or not keys:
        raise ValueError(", ".join(unknown) or "no item")
    # Each once, in the order given.
    return tuple(CheckItem(key) for key in dict.fromkeys(keys))


@dataclass(frozen=True, slots=True)
class Check:
    """One item of a petition's checklist, and who ticked it, when (None while it is not)."""

    item: CheckItem
    years: int
    ticked_by: str = ""
    ticked_at: datetime | None = None

    @property
    def ticked(self) -> bool:
        return self.ticked_at is not None

    def label(self) -> Renderable:
        return item_label(self.item, self.years)


def years_since(declared: date, today: date) -> int:
    """Whole years from the declaration's receipt to ``today``."""
    before_anniversary = (today.month, today.day) < (declared.month, declared.day)
    return today.year - declared.year - before_anniversary
