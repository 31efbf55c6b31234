"""An organizer's actions on residents' questions — list those of the scope, claim one, read
it, answer it, the commune's canned answers — once, for the chat (storage/services/questions.py)
and the dashboard (storage/question_desk.py): each checked against the authority's scope and
audited (storage/services/authority.py)."""

from __future__ import annotations

from collections.abc import Sequence

from conversations.groups import Audience
from conversations.kit import Attachment
from conversations.question import Author, Canned, Claim, Message, Ticket, fits
from storage import questions
from storage.services.authority import Authority


class QuestionActions:
    """The question actions of one organizer's authority, in its transaction."""

    def __init__(self, authority: Authority) -> None:
        self.authority = authority

    @property
    def _me(self) -> int:
        # Questions are claimed and answered by an organizer's resident, never the operator.
        me = self.authority.resident_id
        assert me is not None
        return me

    async def open_questions(self) -> Sequence[Ticket] | None:
        a = self.authority
        scope = await a.scope()
        if not await a.audit("see_questions", "", bool(scope)):
            return None
        return await a.tx.run(questions.in_scope, scope)

    async def _covers(self, ticket_id: int, action: str) -> bool:
        a = self.authority
        audience = await a.tx.run(questions.audience, ticket_id)
        allowed = audience is not None and await a.covers(audience) is not None
        return await a.audit(action, str(ticket_id), allowed)

    async def claim(self, ticket_id: int) -> Claim:
        if not await self._covers(ticket_id, "claim_question"):
            return Claim.GONE
        return await self.authority.tx.run(
            questions.claim, ticket_id, self._me, self.authority.clock()
        )

    async def ticket(self, ticket_id: int) -> Ticket | None:
        if not await self._covers(ticket_id, "read_question"):
            return None
        return await self.authority.tx.run(questions.ticket, ticket_id)

    async def voices(self, ticket_id: int) -> Sequence[Attachment] | None:
        if not await self._covers(ticket_id, "hear_question"):
            return None
        return await self.authority.tx.run(questions.voices, ticket_id)

    async def answer(self, ticket_id: int, text: str, language: str) -> bool:
        """The answer of the organizer who holds the question, in the language they wrote."""
        if not fits(text) or not await self._covers(ticket_id, "answer_question"):
            return False
        said = Message(Author.ORGANIZER, self.authority.clock(), language, text.strip())
        return await self.authority.tx.run(questions.answer, ticket_id, self._me, said)

    async def canned(self, ticket_id: int) -> Sequence[Canned] | None:
        if not await self._covers(ticket_id, "canned_answers"):
            return None
        found = await self.authority.tx.run(questions.ticket, ticket_id)
        return await self.authority.tx.run(questions.canned, found.commune_code) if found else None

    async def save_canned(self, ticket_id: int, text: str) -> int | None:
        """Keep an answer for the ticket's commune: only an organizer of the whole commune may,
        since every organizer of it will be offered it."""
        a = self.authority
        found = await a.tx.run(questions.ticket, ticket_id) if fits(text) else None
        if found is None:
            return None
        commune = Audience(found.commune_code)
        if await a.may(commune, "save_canned_answer", str(ticket_id)) is None:
            return None
        return await a.tx.run(
            questions.save_canned, found.commune_code, text.strip(), a.organizer, a.clock()
        )
