"""The organizers' desk: what the web dashboard reads and does, as plain data and Protocols.

`storage` implements `Desk` and `SignIn`; the dashboard's routes in `handlers/web/` only show
what they return and pass on what an organizer asks. Every answer is already limited to the
organizer's scope, and every change is checked and audited by storage, as in the chat: the
dashboard decides nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol

from conversations.groups import Counts, DeliveryReport, Meeting
from conversations.kit import Address, MediaKind
from conversations.petition import PetitionLife
from conversations.report import Category, ReportStatus

if TYPE_CHECKING:  # the meetings' seam builds on this module's plain data
    from conversations.meeting_desk import MeetingDesk

# Reports shown on one page of the list.
PER_PAGE = 25
# Weeks in the overview's curve of reports: about six months.
WEEKS = 26
# What a hidden text or photo's reason may hold.
REASON_MAX = 200
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
class Signed:
    """The organizer behind a session cookie: who, their chat language or the one they chose,
    and the token every form of theirs must carry."""

    resident_id: int
    address: Address
    language: str
    csrf: str


class Done(StrEnum):
    """What became of an organizer's change."""

    DONE = "done"
    # Nothing to change: it already was so.
    SAME = "same"
    # Outside the organizer's scope: nothing changed, the try is in the audit log.
    REFUSED = "refused"
    MISSING = "missing"
    # A rule said no (a rejection without reasons, a duplicate of a closed report...).
    INVALID = "invalid"


@dataclass(frozen=True, slots=True)
class Outcome:
    done: Done
    # For DONE: how many residents are told. For INVALID: which rule, in storage's words.
    told: int = 0
    why: str = ""


@dataclass(frozen=True, slots=True)
class PetitionProgress:
    code: str
    title: str
    life: PetitionLife
    signatures: int
    threshold: int
    deadline: datetime


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
class ReportList:
    lines: tuple[ReportLine, ...]
    total: int
    page: int
    pages: int
    # Pinned reports of the whole filtered list (not only this page), for the map.
    pins: tuple[ReportLine, ...] = ()


@dataclass(frozen=True, slots=True)
class Attached:
    """A photo or voice note of a report, as the dashboard may show it."""

    id: int
    kind: MediaKind
    content_type: str
    hidden_reason: str


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


class Board(Protocol):
    """Everything the dashboard's routes reach the rest of Hayna through."""

    @property
    def sign_in(self) -> SignIn: ...

    @property
    def desk(self) -> Desk: ...

    @property
    def meetings(self) -> MeetingDesk: ...

    def commune_name(self, code: str, locale: str) -> str: ...

    def communes(self, codes: Sequence[str]) -> Sequence[tuple[str, str]]:
        """(code, name) of each commune, for the filters."""
        ...

    def outline(self, code: str) -> Sequence[Sequence[tuple[float, float]]]:
        """The commune's boundary as rings of (longitude, latitude), simplified; none when
        the gazetteer has no shape for it."""
        ...
