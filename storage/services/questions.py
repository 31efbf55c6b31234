"""Residents' questions in the message's transaction: the resident asks and follows up; an
organizer's list, claim, answer and canned answers are checked against their scope and audited
(storage/services/authority.py)."""

from __future__ import annotations

from collections.abc import Sequence

from conversations.question import Author, Canned, Claim, Destination, Message, Ticket, fits
from storage import questions
from storage.services.authority import ResidentAuthority
from storage.services.bound import Bound

# A resident's tickets the chat lists, the latest first.
MINE_LISTED = 10


class SqlQuestions:
    """`Questions` on storage/questions.py, as the resident and their organizer scope say."""

    def __init__(self, bound: Bound) -> None:
        self.bound = bound
        self.authority = ResidentAuthority(bound)

    def _said(self, author: Author, text: str, media: str = "", language: str = "") -> Message:
        b = self.bound
        return Message(
            author, b.clock(), language or b.resident.language or "", text.strip(), media
        )

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
        scope = await self.authority.scope()
        if not await self.authority.audit("see_questions", "", bool(scope)):
            return None
        return await self.bound.tx.run(questions.in_scope, scope)

    async def _covers(self, ticket_id: int, action: str) -> bool:
        a = self.authority
        audience = await a.tx.run(questions.audience, ticket_id)
        allowed = audience is not None and await a.covers(audience) is not None
        return await a.audit(action, str(ticket_id), allowed)

    async def claim(self, ticket_id: int) -> Claim:
        if not await self._covers(ticket_id, "claim_question"):
            return Claim.GONE
        b = self.bound
        return await b.tx.run(questions.claim, ticket_id, b.me, b.clock())

    async def ticket(self, ticket_id: int) -> Ticket | None:
        if not await self._covers(ticket_id, "read_question"):
            return None
        return await self.bound.tx.run(questions.ticket, ticket_id)

    async def answer(self, ticket_id: int, text: str, language: str) -> bool:
        if not fits(text) or not await self._covers(ticket_id, "answer_question"):
            return False
        said = self._said(Author.ORGANIZER, text, language=language)
        return await self.bound.tx.run(questions.answer, ticket_id, self.bound.me, said)

    async def canned(self, ticket_id: int) -> Sequence[Canned] | None:
        if not await self._covers(ticket_id, "canned_answers"):
            return None
        found = await self.bound.tx.run(questions.ticket, ticket_id)
        return await self.bound.tx.run(questions.canned, found.commune_code) if found else None

    async def save_canned(self, ticket_id: int, text: str) -> int | None:
        if not fits(text) or not await self._covers(ticket_id, "save_canned_answer"):
            return None
        b = self.bound
        found = await b.tx.run(questions.ticket, ticket_id)
        if found is None:
            return None
        actor = self.authority.organizer
        return await b.tx.run(
            questions.save_canned, found.commune_code, text.strip(), actor, b.clock()
        )
