"""Consultations for residents, in the message's transaction: what is open to them, their
answers as they give them."""

from __future__ import annotations

from collections.abc import Sequence

from conversations.consultation import Answered, AnswerOutcome, Asked, Response
from storage import consultations
from storage.services.bound import Bound

# The consultations "my activity" lists, the latest answered first.
ANSWERED_LISTED = 20


class SqlConsultations:
    """`Consultations` on storage/consultations.py, as the resident's commune and language say."""

    def __init__(self, bound: Bound) -> None:
        self.bound = bound

    async def _open(self) -> list[int]:
        b = self.bound
        commune = b.resident.commune_code or ""
        return await b.tx.run(consultations.open_for, b.me, commune, b.clock())

    async def open_consultations(self) -> Sequence[Asked]:
        found = [await self._read(i) for i in await self._open()]
        return [asked for asked in found if asked is not None]

    async def consultation(self, consultation_id: int) -> Asked | None:
        if consultation_id not in await self._open():
            return None
        return await self._read(consultation_id)

    async def _read(self, consultation_id: int) -> Asked | None:
        b = self.bound
        return await b.tx.run(consultations.asked, consultation_id, b.me, b.resident.language)

    async def answer(self, consultation_id: int, position: int, response: Response) -> Answered:
        # Only what is open to this resident: another commune's, or a group's they do not
        # follow, is answered as closed.
        if consultation_id not in await self._open():
            return Answered(AnswerOutcome.NOT_OPEN)
        b = self.bound
        commune = b.resident.commune_code
        return await b.tx.run(
            consultations.answer, consultation_id, b.me, commune, position, response, b.clock()
        )

    async def complete(self, consultation_id: int) -> bool:
        b = self.bound
        return await b.tx.run(consultations.complete, consultation_id, b.me, b.clock())

    async def answered(self) -> Sequence[Asked]:
        b = self.bound
        ids = await b.tx.run(consultations.answered_by, b.me, ANSWERED_LISTED)
        found = [await self._read(i) for i in ids]
        return [asked for asked in found if asked is not None]
