"""The organizers' desk: what the web dashboard reads and does, as plain data and Protocols.

`storage` implements `Desk` and `SignIn`; the dashboard's routes in `handlers/web/` only show
what they return and pass on what an organizer asks. Every answer is already limited to the
organizer's scope, and every change is checked and audited by storage, as in the chat: the
dashboard decides nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Protocol

from conversations.groups import Counts, DeliveryReport, Meeting
from conversations.kit import MediaKind
from conversations.petition import PetitionKind, PetitionLife
from conversations.report import Category, ReportStatus

# Shared by every desk of the dashboard; kept importable from here, where they began.
from conversations.signed import Done as Done
from conversations.signed import Outcome as Outcome
from conversations.signed import Signed as Signed

# Reports shown on one page of the list.
PER_PAGE = 25
# Weeks in the overview's curve of reports: about six months.
WEEKS = 26
# What a hidden text or photo's reason may hold.
REASON_MAX = 200
# What a note told to followers or signers with a change may hold, on the dashboard.
NOTE_MAX = 1000
# Where a one-time link to the dashboard points, below the site's address.
SIGN_IN_PATH = "/dashboard/sign-in/"


def sign_in_path(token: str, language: str) -> str:
    """The path of a sign-in link, opening the page in the organizer's chat language."""
    return f"{SIGN_IN_PATH}{token}?l={language}"


class LinkWhy(StrEnum):
    """Why a sign-in link opens no session."""

    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"
    # Its organizer no longer organizes (scopes removed since the link was made).
    NOT_ORGANIZER = "not_organizer"


@dataclass(frozen=True, slots=True)
class Opened:
    """A session just started: the cookie's value (shown once) and its form token."""

    session: str
    csrf: str


@dataclass(frozen=True, slots=True)
class PetitionProgress:
    code: str
    title: str
    life: PetitionLife
    signatures: int
    threshold: int
    deadline: datetime
    # An association's petition counts supports in `signatures`, with no threshold.
    kind: PetitionKind = PetitionKind.RESIDENTS


@dataclass(frozen=True, slots=True)
class UpdateFigures:
    """One update sent or planned, its first words and where its deliveries stand."""

    first_words: str
    report: DeliveryReport


@dataclass(frozen=True, slots=True)
class Overview:
    """An organizer's scope at a glance."""

    communes: tuple[str, ...]
    open_by_category: tuple[tuple[Category, int], ...]
    by_status: tuple[tuple[ReportStatus, int], ...]
    # (Monday of the week, reports filed that week), oldest first, `WEEKS` of them.
    weekly: tuple[tuple[date, int], ...]
    petitions: tuple[PetitionProgress, ...]
    meetings: tuple[tuple[Meeting, Counts], ...]
    updates: tuple[UpdateFigures, ...]


@dataclass(frozen=True, slots=True)
class ReportQuery:
    """The reports list's filters; empty ones filter nothing."""

    status: ReportStatus | None = None
    category: Category | None = None
    commune: str = ""
    # Words found in the typed place.
    place: str = ""
    since: date | None = None
    until: date | None = None
    page: int = 1


@dataclass(frozen=True, slots=True)
class ReportLine:
    ref: str
    category: Category
    other_label: str
    commune_code: str
    place: str
    status: ReportStatus
    created_at: datetime
    supporters: int
    media: int
    hidden: bool
    lat: float | None = None
    lon: float | None = None


@dataclass(frozen=True, slots=True)
class Pin:
    """A report on the map."""

    ref: str
    commune_code: str
    status: ReportStatus
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class ReportList:
    lines: tuple[ReportLine, ...]
    total: int
    page: int
    pages: int
    # Pinned reports of the whole filtered list (not only this page), for the map.
    pins: tuple[Pin, ...] = ()


@dataclass(frozen=True, slots=True)
class Attached:
    """A photo or voice note of a report, as the dashboard may show it."""

    id: int
    kind: MediaKind
    content_type: str
    hidden_reason: str
    # "place" for a voice note saying where the need is; "" otherwise.
    part: str = ""


@dataclass(frozen=True, slots=True)
class Step:
    """One line of a report's history: a status taken, or something hidden, by whom, why."""

    status: ReportStatus
    note: str
    actor: str
    at: datetime
    # What was hidden ("text", or a photo's number); "" for a status change.
    hidden: str = ""


@dataclass(frozen=True, slots=True)
class ReportFile:
    """A report as organizers see it."""

    line: ReportLine
    description: str
    hidden_reason: str
    duplicate_of: str
    media: tuple[Attached, ...]
    history: tuple[Step, ...]


@dataclass(frozen=True, slots=True)
class Fetchable:
    """Where a report's file is: the channel it came from and that channel's reference (never
    shown to a browser)."""

    channel: str
    ref: str
    content_type: str
    # The bytes themselves, when Hayna kept them (a voice note): nothing to fetch.
    data: bytes | None = None


class SignIn(Protocol):
    """One-time links and the sessions they open."""

    async def redeem(self, token: str) -> Opened | LinkWhy: ...

    async def current(self, session: str) -> Signed | None:
        """The organizer of a session still open; None once it ended or idled out."""
        ...

    async def choose_language(self, session: str, language: str) -> None: ...

    async def sign_out(self, session: str) -> None: ...


class Desk(Protocol):
    """An organizer's reads and changes, one transaction each, within their scope."""

    async def overview(self, who: Signed) -> Overview: ...

    async def reports(self, who: Signed, query: ReportQuery) -> ReportList: ...

    async def report(self, who: Signed, ref: str) -> ReportFile | Done:
        """The report, or MISSING, or REFUSED when it is outside the scope (audited)."""
        ...

    async def media(self, who: Signed, ref: str, media_id: int) -> Fetchable | Done: ...

    async def set_report_status(
        self, who: Signed, ref: str, status: ReportStatus, note: str, duplicate_of: str
    ) -> Outcome:
        """The same rules and notices as `hayna reports set-status`."""
        ...

    async def hide(self, who: Signed, ref: str, media_id: int | None, reason: str) -> Outcome:
        """Hide a report's text (``media_id`` None) or one of its files from other residents,
        the reason kept in its history."""
        ...
