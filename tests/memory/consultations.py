"""`Consultations` in memory: open to a commune or to the followers of its groups, one set of
answers per resident, each answer checked as storage checks it."""

from __future__ import annotations

from collections.abc import Sequence

from conversations.consultation import (
    Answered,
    AnswerOutcome,
    Asked,
    ConsultationLife,
    Response,
    answer_refusal,
    in_language,
    shown,
)
from conversations.groups import Answer
from tests.memory.here import Here
from tests.memory.world import Consultation


class MemoryConsultations:
    def __init__(self, here: Here) -> None:
        self.here = here

    def _open(self) -> list[Consultation]:
        me, now = self.here.me, self.here.clock()
        commune = self.here.resident.commune_code
        members = self.here.world.members
        found = [
            c
            for c in self.here.world.consultations
            if c.draft.commune_code == commune
            and c.life in (ConsultationLife.SCHEDULED, ConsultationLife.OPEN)
            and c.draft.opens_at <= now < c.draft.closes_at
            and (not c.draft.group_ids or any(me in members.get(g, {}) for g in c.draft.group_ids))
            and (c.draft.meeting_id is None or self._attends(c.draft.meeting_id))
        ]
        return sorted(found, key=lambda c: (c.draft.closes_at, c.id))

    def _attends(self, meeting_id: int) -> bool:
        found = next((m for m in self.here.world.meetings if m.id == meeting_id), None)
        return found is not None and found.answers.get(self.here.me) is Answer.YES

    def _asked(self, c: Consultation) -> Asked:
        language, d = self.here.resident.language, c.draft
        return Asked(
            c.id,
            d.asked_by,
            in_language(d.title, language),
            in_language(d.purpose, language),
            d.closes_at,
            d.anonymous,
            tuple(shown(q, language) for q in d.questions),
            dict(c.answers.get(self.here.me, {})),
            self.here.me in c.completed,
        )

    async def open_consultations(self) -> Sequence[Asked]:
        return [self._asked(c) for c in self._open()]

    async def consultation(self, consultation_id: int) -> Asked | None:
        found = next((c for c in self._open() if c.id == consultation_id), None)
        return self._asked(found) if found else None

    async def answer(self, consultation_id: int, position: int, response: Response) -> Answered:
        found = next((c for c in self._open() if c.id == consultation_id), None)
        if found is None or not 0 <= position < len(found.draft.questions):
            return Answered(AnswerOutcome.NOT_OPEN)
        if (why := answer_refusal(found.draft.questions[position], response)) is not None:
            return Answered(AnswerOutcome.REFUSED, why)
        found.answers.setdefault(self.here.me, {})[position] = response
        return Answered(AnswerOutcome.COUNTED)

    async def complete(self, consultation_id: int) -> bool:
        found = next((c for c in self.here.world.consultations if c.id == consultation_id), None)
        if found is None or self.here.me not in found.answers:
            return False
        found.completed.add(self.here.me)
        return True

    async def answered(self) -> Sequence[Asked]:
        mine = [c for c in self.here.world.consultations if self.here.me in c.answers]
        return [self._asked(c) for c in reversed(mine)]
