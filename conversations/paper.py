"""Signatures collected on paper (at the souk, the mosque, the meeting itself) and entered by an
organizer: what a line of a sheet holds, the rules it must meet, and what became of it.

A paper signature counts like one made in the chat: the same keyed hash of the CIN makes one
card count once across paper and chat (storage/petitions.py), whichever came first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from conversations.cin import parse_cin
from conversations.text import Renderable, _

NAME_MAX = 120
RESIDENCE_MAX = 200
SHEET_MAX = 32


@dataclass(frozen=True, slots=True)
class PaperSignature:
    """One line of a signature sheet, as typed."""

    full_name: str
    cin: str
    # Where the signer lives in the commune, or their interest in it (organic law 113.14).
    residence: str
    signed_on: date
    sheet: str


class PaperWhy(StrEnum):
    """Why a line cannot count."""

    CIN = "cin"
    NAME = "name"
    RESIDENCE = "residence"
    # Signed after today, or after the petition's last day.
    DATE = "date"
    SHEET = "sheet"


class PaperOutcome(StrEnum):
    ADDED = "added"
    # This CIN already signed (online or on paper): `Entered.counted_on` says when.
    DUPLICATE = "duplicate"
    INVALID = "invalid"
    # The petition is not collecting signatures (a draft, closed, filed, past its day).
    NOT_OPEN = "not_open"
    # An association's petition: residents support it, no one signs it, on paper or online.
    SUPPORTS_ONLY = "supports_only"
    NO_PETITION = "no_petition"
    # Outside the organizer's scope: nothing changed, the try is audited.
    REFUSED = "refused"


@dataclass(frozen=True, slots=True)
class Entered:
    """What became of one paper line."""

    outcome: PaperOutcome
    counted_on: datetime | None = None
    why: PaperWhy | None = None


# What each broken rule says, in the chat and on the dashboard.
PAPER_WHY: dict[PaperWhy, Renderable] = {
    PaperWhy.CIN: _("This CIN number cannot be read: one or two letters, then digits."),
    PaperWhy.NAME: _("Write the name as on the sheet, in at most 120 characters."),
    PaperWhy.RESIDENCE: _(
        "Write where they live in the commune, or their interest in it (200 characters)."
    ),
    PaperWhy.DATE: _("The day it was signed must be a date, not after today nor the last day."),
    PaperWhy.SHEET: _("The sheet's number may have at most 32 characters."),
}


def paper_refusal(paper: PaperSignature, today: date) -> PaperWhy | None:
    """The first rule a line breaks, or None when it can count."""
    if parse_cin(paper.cin) is None:
        return PaperWhy.CIN
    if not 0 < len(paper.full_name.strip()) <= NAME_MAX:
        return PaperWhy.NAME
    if not 0 < len(paper.residence.strip()) <= RESIDENCE_MAX:
        return PaperWhy.RESIDENCE
    if paper.signed_on > today:
        return PaperWhy.DATE
    if len(paper.sheet.strip()) > SHEET_MAX:
        return PaperWhy.SHEET
    return None
