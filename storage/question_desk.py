"""An organizer's residents' questions on the dashboard, within their scope: each call one
transaction under the signed-in organizer's authority, through the actions the chat uses
(storage/services/question_actions.py), so both check the scope and audit alike."""

from __future__ import annotations

from collections.abc import Sequence

from conversations.desk import Done, Signed
from conversations.kit import Attachment
from conversations.question import Claim, Ticket
from conversations.question_desk import QuestionFile
from storage import questions
from storage.acting import Acting
from storage.services.question_actions import QuestionActions


class SqlQuestionDesk:
    """`QuestionDesk` on SQL, one transaction per call."""

    def __init__(self, acting: Acting) -> None:
        self.acting = acting

    async def questions(self, who: Signed) -> Sequence[Ticket]:
        async with self.acting(who) as op:
            found = await QuestionActions(op.authority).open_questions()
        return found or ()

    async def question(self, who: Signed, ticket_id: int) -> QuestionFile | Done:
        async with self.acting(who) as op:
            if await op.tx.run(questions.audience, ticket_id) is None:
                return Done.MISSING
            actions = QuestionActions(op.authority)
            found = await actions.ticket(ticket_id)
            if found is None:
                return Done.REFUSED
            canned = await actions.canned(ticket_id) or ()
        return QuestionFile(found, found.claimed_by == who.resident_id, tuple(canned))

    async def voice(self, who: Signed, ticket_id: int, number: int) -> Attachment | Done:
        async with self.acting(who) as op:
            if await op.tx.run(questions.audience, ticket_id) is None:
                return Done.MISSING
            found = await QuestionActions(op.authority).voices(ticket_id)
        if found is None:
            return Done.REFUSED
        return found[number - 1] if 0 < number <= len(found) else Done.MISSING

    async def claim(self, who: Signed, ticket_id: int) -> Claim:
        async with self.acting(who) as op:
            return await QuestionActions(op.authority).claim(ticket_id)

    async def answer(
        self, who: Signed, ticket_id: int, text: str, language: str, keep: bool
    ) -> bool:
        async with self.acting(who) as op:
            actions = QuestionActions(op.authority)
            if not await actions.answer(ticket_id, text, language):
                return False
            if keep:
                await actions.save_canned(ticket_id, text)
        return True
