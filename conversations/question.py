"""A resident's question to the organizers of their commune or of a group they follow: a ticket
with its messages, claimed by one organizer at a time, answered, followed up, closed after a
quiet week. The rules live here, as data, for storage to enforce and for the chat to phrase."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from conversations.groups import Group
from conversations.text import Renderable, Verbatim, _, lines, pgettext

# A question or an answer, at most: an answer fits a push whole with the lines around it,
# on every channel, outside a platform's window too (as updates do, docs/organizers.md).
QUESTION_MAX = 700
# A claim keeps other organizers away this long; then another may take the question over.
CLAIM_HOLDS = timedelta(minutes=30)
# A ticket without any message for this long is closed by the hourly housekeeping.
QUIET_CLOSES = timedelta(days=7)
# Canned answers kept per commune, at most.
CANNED_MAX = 20


class QuestionStatus(StrEnum):
    OPEN = "open"
    CLAIMED = "claimed"
    ANSWERED = "answered"
    CLOSED = "closed"


class Author(StrEnum):
    RESIDENT = "resident"
    ORGANIZER = "organizer"


class Claim(StrEnum):
    """What claiming a question came to."""

    CLAIMED = "claimed"
    # Another organizer holds it (their claim has not run out).
    TAKEN = "taken"
    # No such question within the organizer's scope, or it is closed.
    GONE = "gone"


@dataclass(frozen=True, slots=True)
class Destination:
    """Whom a question may go to: the organizers of the commune (no group) or of a group."""

    group: Group | None = None

    @property
    def group_id(self) -> int | None:
        return self.group.id if self.group else None


@dataclass(frozen=True, slots=True)
class Message:
    """One message of a ticket: the resident's question or follow-up, or an organizer's answer."""

    author: Author
    at: datetime
    language: str
    text: str
    media: str = ""


@dataclass(frozen=True, slots=True)
class Ticket:
    id: int
    status: QuestionStatus
    commune_code: str
    group_id: int | None
    text: str
    created_at: datetime
    last_activity_at: datetime
    media: str = ""
    claimed_by: int | None = None
    answered_by: int | None = None
    answered_at: datetime | None = None
    messages: tuple[Message, ...] = ()


@dataclass(frozen=True, slots=True)
class Canned:
    """An answer an organizer saved for their commune, to pick again."""

    id: int
    text: str


def fits(text: str, media: str = "") -> bool:
    """Whether a question or an answer may be stored: some words (or a photo or voice note),
    and not too many."""
    return bool(text.strip() or media) and len(text.strip()) <= QUESTION_MAX


def claim_free(claimed_at: datetime | None, now: datetime) -> bool:
    """Whether a question may be claimed: nobody holds it, or the claim has run out."""
    return claimed_at is None or claimed_at <= now - CLAIM_HOLDS


def first_words(text: str, most: int = 60) -> str:
    """A question's or answer's start, for a list."""
    flat = " ".join(text.split())
    return flat if len(flat) <= most else flat[: most - 1].rstrip() + "…"


def answer_notice(ticket_id: int, text: str) -> Renderable:
    """The push that carries an organizer's answer: their words as they wrote them."""
    return _(
        "The organizers answered your question #{n}:\n{answer}\n\nTo reply, open Menu → Ask "
        "the association.",
        n=ticket_id,
        answer=Verbatim(text),
    )


def follow_up_notice(ticket_id: int, text: str) -> Renderable:
    """The push that tells the organizer who answered that the resident wrote again."""
    return _(
        "A resident replied on question #{n}:\n{reply}\n\nIt is yours again under Organizer "
        "tools → Residents' questions.",
        n=ticket_id,
        reply=Verbatim(text),
    )


STATUS: dict[QuestionStatus, Renderable] = {
    QuestionStatus.OPEN: pgettext("question status", "waiting for an answer"),
    QuestionStatus.CLAIMED: pgettext("question status", "being answered"),
    QuestionStatus.ANSWERED: pgettext("question status", "answered"),
    QuestionStatus.CLOSED: pgettext("question status", "closed"),
}


def label(ticket: Ticket) -> Renderable:
    """A ticket in a list: its number, its first words, its status."""
    words = Verbatim(f"#{ticket.id} · {first_words(ticket.text or '📎', 40)}")
    return lines(words, STATUS[ticket.status], sep=" · ")


def thread(ticket: Ticket, resident: Renderable) -> Renderable:
    """A ticket's messages, oldest first; ``resident`` names the resident's own ("You:")."""
    said: list[Renderable] = [_("Question #{n}:", n=ticket.id)]
    for message in ticket.messages:
        who = _("Organizers:") if message.author is Author.ORGANIZER else resident
        words = f"{message.text} 📎" if message.media else message.text
        said.append(lines(who, Verbatim(words.strip()), sep=" "))
    return lines(*said)
