"""The organizer behind a dashboard session and what became of their change: the words every
desk of the dashboard (conversations/desk.py, conversations/petition_desk.py) shares."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from conversations.kit import Address


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
