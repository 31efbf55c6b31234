"""Commitments of the commune ("li tgal yddar"): what the council or its president said it will
do, where it was said (a petition's answer, a meeting's decision, an organizer's note), by when,
and where it stands, with the history of each change; the rules and the notices, as data."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from conversations.text import Renderable, _, lines, ngettext, pgettext

# A commitment's text and who made it, as stored.
TEXT_MAX = 500
MAKER_MAX = 120
# A change's note, as typed.
NOTE_MAX = 500
# Overdue commitments are flagged to a commune's organizers at most this often.
FLAG_EVERY_DAYS = 7


class CommitmentLife(StrEnum):
    PENDING = "pending"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    ABANDONED = "abandoned"


# A commitment still to keep: only these can be overdue.
UNKEPT = frozenset({CommitmentLife.PENDING, CommitmentLife.IN_PROGRESS})

LIFE_LABELS: dict[CommitmentLife, Renderable] = {
    CommitmentLife.PENDING: pgettext("commitment", "pending"),
    CommitmentLife.IN_PROGRESS: pgettext("commitment", "in progress"),
    CommitmentLife.DONE: pgettext("commitment", "done"),
    CommitmentLife.ABANDONED: pgettext("commitment", "abandoned"),
}


class SourceKind(StrEnum):
    PETITION = "petition"
    MEETING = "meeting"
    ORGANIZER = "organizer"


@dataclass(frozen=True, slots=True)
class CommitmentDraft:
    """A commitment as an organizer gives it; ``source_ref`` is the petition's code or the
    meeting's number ("" when typed by an organizer)."""

    commune_code: str
    text: str
    made_by: str
    due_on: date
    source_kind: SourceKind = SourceKind.ORGANIZER
    source_ref: str = ""


@dataclass(frozen=True, slots=True)
class CommitmentChange:
    """One step of a commitment's history."""

    life: CommitmentLife
    note: str
    actor: str
    at: datetime


@dataclass(frozen=True, slots=True)
class Commitment:
    """A commitment as residents and organizers read it; ``following``: the reader follows it."""

    id: int
    commune_code: str
    text: str
    made_by: str
    due_on: date
    life: CommitmentLife
    source_kind: SourceKind
    source_ref: str
    history: tuple[CommitmentChange, ...] = ()
    following: bool = False
    followers: int = 0

    def overdue(self, today: date) -> bool:
        return self.life in UNKEPT and self.due_on < today


class CommitmentWhy(StrEnum):
    EMPTY_TEXT = "empty_text"
    TEXT_TOO_LONG = "text_too_long"
    NO_MAKER = "no_maker"
    PAST_DUE = "past_due"
    UNKNOWN_STATUS = "unknown_status"
    NO_COMMITMENT = "no_commitment"
    SAME_STATUS = "same_status"
    NOTE_TOO_LONG = "note_too_long"
    NO_SOURCE = "no_source"


@dataclass(frozen=True, slots=True)
class CommitmentRefusal:
    why: CommitmentWhy
    ref: str = ""


def draft_refusal(draft: CommitmentDraft, today: date) -> CommitmentWhy | None:
    """Why a commitment cannot be stored as given; None when it can."""
    if not draft.text.strip():
        return CommitmentWhy.EMPTY_TEXT
    if len(draft.text.strip()) > TEXT_MAX:
        return CommitmentWhy.TEXT_TOO_LONG
    if not draft.made_by.strip() or len(draft.made_by.strip()) > MAKER_MAX:
        return CommitmentWhy.NO_MAKER
    if draft.due_on < today:
        return CommitmentWhy.PAST_DUE
    if (draft.source_kind is SourceKind.ORGANIZER) != (not draft.source_ref):
        return CommitmentWhy.NO_SOURCE
    return None


def change_refusal(was: CommitmentLife, to: CommitmentLife, note: str) -> CommitmentWhy | None:
    """Why a status cannot change so; None when it can."""
    if was is to:
        return CommitmentWhy.SAME_STATUS
    if len(note.strip()) > NOTE_MAX:
        return CommitmentWhy.NOTE_TOO_LONG
    return None


def life_named(typed: str) -> CommitmentLife | None:
    """A status as the command line types it ("in-progress", "done"); None for no status."""
    try:
        return CommitmentLife(typed.strip().lower().replace("-", "_").replace(" ", "_"))
    except ValueError:
        return None


def change_notice(
    commitment_id: int, text: str, life: CommitmentLife, note: str, made_by: str
) -> Renderable:
    """What each follower is told when a commitment's status changes; the note as typed."""
    said = _(
        "Commitment {number} of {maker}: “{text}” is now {status}.",
        number=commitment_id,
        maker=made_by,
        text=text,
        status=LIFE_LABELS[life],
    )
    if not note.strip():
        return said
    return lines(said, _("Note: {note}", note=note.strip()))


def overdue_notice(commune: Renderable, overdue: Sequence[Commitment]) -> Renderable:
    """The weekly list, to a commune's organizers, of its commitments past their due date."""
    head = ngettext(
        "{n} commitment of {commune} is past its due date:",
        "{n} commitments of {commune} are past their due date:",
        len(overdue),
        commune=commune,
    )
    items = [
        _("{number}. {text} (due {date})", number=c.id, text=c.text, date=c.due_on) for c in overdue
    ]
    return lines(head, *items, _("Change their status under Organizer tools → Commitments."))
