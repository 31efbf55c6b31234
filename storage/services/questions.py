"""Residents' questions in the message's transaction: the resident asks and follows up; an
organizer's list, claim, answer and canned answers are the actions of
storage/services/question_actions.py, checked against their scope and audited."""

from __future__ import annotations

from collections.abc import Sequence

from conversations.kit import Attachment
from conversations.question import Author, Canned, Claim, Destination, Message, Ticket, fits
from storage import questions
from storage.services.authority import ResidentAuthority
from storage.services.bound import Bound
from storage.services.question_actions import QuestionActions

# A resident's tickets the chat lists, the latest first.
MINE_LISTED = 10


class SqlQuestions:
    """`Questions` on storage/questions.py, as the resident and their organizer scope say."""

    def __init__(self, bound: Bound) -> None:
        self.bound = bound
        # What organizers do, as the dashboard does it too.
        self.actions = QuestionActions(ResidentAuthority(bound))

    def _language(self) -> str:
        return self.bound.resident.language or ""

    def _said(self, author: Author, text: str, media: str = "") -> Message:
        return Message(author, self.bound.clock(), self._language(), text.strip(), media)

    async def destinations(self) -> Sequence[Destination]:
        b = self.bound
        groups = await b.tx.run(questions.followed, b.me)
        commune = (Destination(),) if b.resident.commune_code else ()
        return (*commune, *(Destination(group) for group in groups))

    async def ask(self, group_id: int | None, text: str, media: str = "") -> int | None:
        b = self.bound
        if not fits(text, media):
            return None
        if group_id is None:
            commune = b.resident.commune_code
        else:
            commune = await b.tx.run(questions.with_group, group_id, b.me)
        if not commune:
            return None
        said = self._said(Author.RESIDENT, text, media)
        return await b.tx.run(questions.ask, b.me, commune, group_id, said)

    async def my_questions(self) -> Sequence[Ticket]:
        return await self.bound.tx.run(questions.mine, self.bound.me, MINE_LISTED)

    async def follow_up(self, ticket_id: int, text: str, media: str = "") -> bool:
        if not fits(text, media):
            return False
        said = self._said(Author.RESIDENT, text, media)
        return await self.bound.tx.run(questions.follow_up, self.bound.me, ticket_id, said)

    async def open_questions(self) -> Sequence[Ticket] | None:
        return await self.actions.open_questions()

    async def claim(self, ticket_id: int) -> Claim:
        return await self.actions.claim(ticket_id)

    async def ticket(self, ticket_id: int) -> Ticket | None:
        return await self.actions.ticket(ticket_id)

    async def voices(self, ticket_id: int) -> Sequence[Attachment] | None:
        return await self.actions.voices(ticket_id)

    async def answer(self, ticket_id: int, text: str, language: str) -> bool:
        return await self.actions.answer(ticket_id, text, language or self._language())

    async def canned(self, ticket_id: int) -> Sequence[Canned] | None:
        return await self.actions.canned(ticket_id)

    async def save_canned(self, ticket_id: int, text: str) -> int | None:
        return await self.actions.save_canned(ticket_id, text)
