"""What a petition must be and which moves its life allows, as data and pure functions.

Storage enforces these rules and raises `PetitionError` with a `PetitionRefusal` (what is
wrong, and the figures that go with it); the chat and the command line each say it in their own
words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from conversations.actor import ACTOR_MAX
from conversations.association import CheckItem
from conversations.petition import PetitionDraft, PetitionKind, PetitionLife


class PetitionField(StrEnum):
    TITLE = "title"
    SUMMARY = "summary"
    BODY = "body"
    REQUESTS = "requests"
    REPRESENTATIVE = "representative"
    ACTOR = "actor"


# The longest each text may be; every one needs at least one character.
LIMITS: dict[PetitionField, int] = {
    PetitionField.TITLE: 120,
    PetitionField.SUMMARY: 200,
    PetitionField.BODY: 3_000,
    PetitionField.REQUESTS: 3_000,
    PetitionField.REPRESENTATIVE: 120,
    PetitionField.ACTOR: ACTOR_MAX,
}
# The one-line texts land in spreadsheet cells (exports), where these starts run as a formula.
FORMULA_STARTS = ("=", "+", "-", "@")
THRESHOLD_MIN, THRESHOLD_MAX = 1, 100_000

# Which moves an organizer may make, from where.
MOVES: dict[PetitionLife, frozenset[PetitionLife]] = {
    PetitionLife.DRAFT: frozenset({PetitionLife.OPEN}),
    # Filing needs the threshold reached: an open petition can only be closed.
    PetitionLife.OPEN: frozenset({PetitionLife.CLOSED}),
    PetitionLife.THRESHOLD_REACHED: frozenset({PetitionLife.FILED, PetitionLife.CLOSED}),
    PetitionLife.FILED: frozenset({PetitionLife.ACCEPTED, PetitionLife.REJECTED}),
    PetitionLife.ACCEPTED: frozenset({PetitionLife.ANSWERED}),
    PetitionLife.REJECTED: frozenset({PetitionLife.ANSWERED}),
    PetitionLife.ANSWERED: frozenset(),
    PetitionLife.CLOSED: frozenset(),
}


def moves(kind: PetitionKind, current: PetitionLife) -> frozenset[PetitionLife]:
    """Where a petition of ``kind`` may go from ``current``: an association's petition has no
    threshold to reach, so it is filed straight from open (once its checklist is ticked)."""
    if kind is PetitionKind.ASSOCIATION and current is PetitionLife.OPEN:
        return MOVES[current] | {PetitionLife.FILED}
    return MOVES[current]


def reached_from(life: PetitionLife) -> frozenset[PetitionLife]:
    """``life`` and every step its moves may lead to."""
    reached, todo = {life}, [life]
    while todo:
        for following in MOVES[todo.pop()] - reached:
            reached.add(following)
            todo.append(following)
    return frozenset(reached)


# Once filed, the commune holds the signatures: they stay with the petition.
FILED = reached_from(PetitionLife.FILED)


class PetitionWhy(StrEnum):
    NO_PETITION = "no_petition"
    FIELD_LENGTH = "field_length"
    THRESHOLD = "threshold"
    DEADLINE_NOT_AHEAD = "deadline_not_ahead"
    # Filing an open petition: it has not all its signatures yet.
    SHORT_OF_SIGNATURES = "short_of_signatures"
    NOT_A_MOVE = "not_a_move"
    LAST_DAY_PASSED = "last_day_passed"
    # The council must give its reasons for a rejection (organic law 113.14).
    NO_REASONS = "no_reasons"
    NO_FREE_CODE = "no_free_code"
    # A draft was never published: it has no signatures, and no filing to export.
    UNFILED = "unfiled"
    # Filing records the commune's receipt and the deposit day (conversations/answer_clock.py).
    NO_RECEIPT = "no_receipt"
    RECEIPT_LENGTH = "receipt_length"
    DEPOSIT_AHEAD = "deposit_ahead"
    DEPOSIT_BEFORE_OPENING = "deposit_before_opening"
    # An association's petition (conversations/association.py): the association must be one
    # of the commune's, its declaration received before today, its checklist ticked to file.
    NO_ASSOCIATION = "no_association"
    DECLARED_AHEAD = "declared_ahead"
    CHECKLIST_INCOMPLETE = "checklist_incomplete"
    # Ticking an item the petition's checklist does not have (a residents' petition has none).
    NOT_ON_CHECKLIST = "not_on_checklist"


@dataclass(frozen=True, slots=True)
class PetitionRefusal:
    """Why a petition cannot be stored or moved, with what is needed to say it."""

    why: PetitionWhy
    code: str = ""
    field: PetitionField | None = None
    length: int = 0
    deadline: date | None = None
    current: PetitionLife | None = None
    counted: int = 0
    threshold: int = 0
    # A refused deposit day, or the day the petition was opened that it cannot come before.
    day: date | None = None
    kind: PetitionKind = PetitionKind.RESIDENTS
    # The checklist's items still to tick before an association's petition can be filed.
    unticked: tuple[CheckItem, ...] = ()

    @property
    def most(self) -> int:
        """The longest the refused field may be."""
        return LIMITS[self.field] if self.field is not None else 0

    @property
    def allowed(self) -> tuple[PetitionLife, ...]:
        """Where the petition may go from where it is, in a stable order."""
        return tuple(sorted(moves(self.kind, self.current))) if self.current is not None else ()


class PetitionError(ValueError):
    """A petition that cannot be stored or moved; `refusal` says why."""

    def __init__(self, refusal: PetitionRefusal) -> None:
        super().__init__(refusal.why.value)
        self.refusal = refusal


def too_long(field: PetitionField, text: str) -> bool:
    return len(text) > LIMITS[field]


def field_refusal(field: PetitionField, text: str) -> PetitionRefusal | None:
    """A text of ``field`` must be 1 to its limit's characters."""
    if text.strip() and not too_long(field, text):
        return None
    return PetitionRefusal(PetitionWhy.FIELD_LENGTH, field=field, length=len(text))


def draft_refusal(draft: PetitionDraft, actor: str, today: date) -> PetitionRefusal | None:
    """What keeps a draft from being stored, the first thing found; None when it may be."""
    texts = (
        (PetitionField.TITLE, draft.title),
        (PetitionField.SUMMARY, draft.summary),
        (PetitionField.BODY, draft.body),
        (PetitionField.REQUESTS, draft.requests),
        (PetitionField.REPRESENTATIVE, draft.representative),
        (PetitionField.ACTOR, actor),
    )
    for field, text in texts:
        if (refused := field_refusal(field, text)) is not None:
            return refused
    if draft.kind is PetitionKind.ASSOCIATION:
        if draft.association_id is None:
            return PetitionRefusal(PetitionWhy.NO_ASSOCIATION)
        if draft.declared_on is None or draft.declared_on > today:
            return PetitionRefusal(PetitionWhy.DECLARED_AHEAD, day=draft.declared_on)
    elif not THRESHOLD_MIN <= draft.threshold <= THRESHOLD_MAX:
        return PetitionRefusal(PetitionWhy.THRESHOLD, threshold=draft.threshold)
    if draft.deadline <= today:
        return PetitionRefusal(PetitionWhy.DEADLINE_NOT_AHEAD, deadline=draft.deadline)
    return None


def move_refusal(
    code: str,
    current: PetitionLife,
    to: PetitionLife,
    note: str,
    counted: int,
    threshold: int,
    last_day_passed: bool,
    kind: PetitionKind = PetitionKind.RESIDENTS,
    unticked: tuple[CheckItem, ...] = (),
) -> PetitionRefusal | None:
    """What keeps a petition from moving from ``current`` to ``to``; None when it may."""
    filing_open = to is PetitionLife.FILED and current is PetitionLife.OPEN
    if filing_open and kind is PetitionKind.RESIDENTS:
        return PetitionRefusal(
            PetitionWhy.SHORT_OF_SIGNATURES, code, counted=counted, threshold=threshold
        )
    if to not in moves(kind, current):
        return PetitionRefusal(PetitionWhy.NOT_A_MOVE, code, current=current, kind=kind)
    if filing_open and unticked:
        return PetitionRefusal(PetitionWhy.CHECKLIST_INCOMPLETE, code, unticked=unticked)
    if to is PetitionLife.OPEN and last_day_passed:
        return PetitionRefusal(PetitionWhy.LAST_DAY_PASSED, code)
    if to is PetitionLife.REJECTED and not note.strip():
        return PetitionRefusal(PetitionWhy.NO_REASONS, code)
    return None
