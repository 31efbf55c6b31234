"""An organizer's consultation actions — create, publish, read the results, hide a free text —
once, for the chat (storage/services/organizing.py), the command line and the dashboard
(storage/operator.py): each checked against the authority's scope and audited; a draft refused
by the rules says why in `refusal`."""

from __future__ import annotations

from conversations.consultation import (
    ConsultationDraft,
    ConsultationLife,
    ConsultationRefusal,
    ConsultationReport,
    Results,
)
from conversations.groups import Audience
from storage import consultations
from storage.consultations import ConsultationError
from storage.gazetteer import Gazetteer
from storage.services.authority import Authority


class ConsultationActions:
    """The consultation actions of one authority, in its transaction."""

    def __init__(self, authority: Authority) -> None:
        self.authority = authority
        self.refusal: ConsultationRefusal | None = None

    async def create(self, draft: ConsultationDraft) -> int | None:
        """A draft for the audience of its commune and groups; its id."""
        a = self.authority
        audience = Audience(draft.commune_code, draft.group_ids)
        if not await a.may(audience, "create_consultation", draft.commune_code):
            return None
        try:
            return await a.tx.run(consultations.create, draft, a.organizer, a.clock())
        except ConsultationError as error:
            self.refusal = error.refusal
            return None

    async def publish(self, consultation_id: int) -> ConsultationLife | None:
        """Open it now, or at its opening time; None when it is no draft of the scope."""
        a = self.authority
        if not await self._covers(consultation_id, "publish_consultation"):
            return None
        return await a.tx.run(consultations.publish, consultation_id, a.clock())

    async def results(self, consultation_id: int) -> Results | None:
        if not await self._covers(consultation_id, "consultation_results"):
            return None
        return await self.authority.tx.run(consultations.results, consultation_id)

    async def hide(self, consultation_id: int, answer_id: int) -> bool | None:
        """A free text kept out of the results; None outside the scope, False when it is no
        shown free text of the consultation."""
        if not await self._covers(consultation_id, "hide_answer"):
            return None
        return await self.authority.tx.run(consultations.hide_answer, consultation_id, answer_id)

    async def may_hear(self, consultation_id: int) -> bool:
        """Whether the organizer may play the consultation's voice notes (audited)."""
        return await self._covers(consultation_id, "hear_answer")

    async def report(self, consultation_id: int, gazetteer: Gazetteer) -> ConsultationReport | None:
        """The consultation and its results, for its report to the council."""
        if not await self._covers(consultation_id, "consultation_results"):
            return None
        return await self.authority.tx.run(consultations.report, consultation_id, gazetteer)

    async def _covers(self, consultation_id: int, action: str) -> bool:
        a = self.authority
        audience = await a.tx.run(consultations.audience, consultation_id)
        allowed = audience is not None and await a.covers(audience) is not None
        return await a.audit(action, str(consultation_id), allowed)
