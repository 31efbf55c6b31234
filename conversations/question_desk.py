"""The dashboard's residents' questions: the open ones of the organizer's scope, one with its
thread, claiming it and answering it (a canned answer too), as a Protocol.

`storage` implements `QuestionDesk` through the chat's own actions
(storage/services/question_actions.py), within the organizer's scope and audited.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from conversations.desk import Done, Signed
from conversations.kit import Attachment
from conversations.question import Canned, Claim, Ticket


@dataclass(frozen=True, slots=True)
class QuestionFile:
    """A question as its page shows it: the ticket, whether the organizer holds it, and the
    commune's canned answers to pick from."""

    ticket: Ticket
    mine: bool
    canned: tuple[Canned, ...]


class QuestionDesk(Protocol):
    """An organizer's residents' questions, one transaction per call, within their scope."""

    async def questions(self, who: Signed) -> Sequence[Ticket]:
        """Those waiting for an answer or being answered, the oldest first."""
        ...

    async def question(self, who: Signed, ticket_id: int) -> QuestionFile | Done: ...

    async def voice(self, who: Signed, ticket_id: int, number: int) -> Attachment | Done:
        """The ticket's ``number``-th voice note Hayna kept (from 1), to play: MISSING when
        there is none, REFUSED outside the scope (audited)."""
        ...

    async def claim(self, who: Signed, ticket_id: int) -> Claim:
        """Take it to answer: of two organizers, one wins (the other is told TAKEN)."""
        ...

    async def answer(
        self, who: Signed, ticket_id: int, text: str, language: str, keep: bool
    ) -> bool:
        """The answer of the organizer holding it, pushed to the resident; kept among the
        commune's canned answers with ``keep``; False when they do not hold it."""
        ...
