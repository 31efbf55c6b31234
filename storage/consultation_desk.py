"""An organizer's consultations on the dashboard, within their scope.

Each call is one transaction under the signed-in organizer's authority, through
storage/operator.py: creating, publishing and reading results are the chat's and the command
line's own actions (storage/services/consultation_actions.py), so all three check the scope and
audit alike. The exports are the bytes `hayna consultations results` writes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from conversations.consultation import (
    ConsultationDraft,
    ConsultationLife,
    ConsultationRefusal,
    ConsultationReport,
    draft_refusal,
)
from conversations.consultation_desk import ConsultationLine, Created
from conversations.consultation_table import as_csv, result_rows
from conversations.desk import Done, Signed
from conversations.groups import Audience
from conversations.kit import Attachment
from conversations.petition_desk import CONTENT_TYPES, Download, FilingKind
from storage import consultations
from storage.acting import Acting
from storage.consultation_pdf import to_pdf
from storage.gazetteer import Gazetteer
from storage.operator import Operator


class SqlConsultationDesk:
    """`ConsultationDesk` on SQL, one transaction per call."""

    def __init__(self, acting: Acting, gazetteer: Gazetteer) -> None:
        self.acting = acting
        self.gazetteer = gazetteer

    async def consultations(self, who: Signed) -> Sequence[ConsultationLine]:
        async with self.acting(who) as op:
            scope = await op.authority.scope()
            return await op.tx.run(consultations.listing, None, scope)

    async def consultation(self, who: Signed, consultation_id: int) -> ConsultationReport | Done:
        async with self.acting(who) as op:
            return await self._report(op, consultation_id)

    async def _report(self, op: Operator, consultation_id: int) -> ConsultationReport | Done:
        if await op.tx.run(consultations.audience, consultation_id) is None:
            return Done.MISSING
        found = await op.consultation_report(consultation_id, self.gazetteer)
        return Done.REFUSED if found is None else found

    async def check(self, who: Signed, draft: ConsultationDraft) -> ConsultationRefusal | None:
        async with self.acting(who) as op:
            return draft_refusal(_opening(draft, op.now), op.now)

    async def create(self, who: Signed, draft: ConsultationDraft, publish: bool) -> Created:
        async with self.acting(who) as op:
            chosen = Audience(draft.commune_code, draft.group_ids)
            # A group's commune, as the operator's actions name it; one outside the scope is
            # left as it is, for them to refuse and audit.
            audience = await op.authority.covers(chosen) or chosen
            settled = replace(
                _opening(draft, op.now),
                commune_code=audience.commune_code,
                group_ids=audience.group_ids,
            )
            made = await op.create_consultation(settled)
            if made is None:
                refusal = op.refusal
                if isinstance(refusal, ConsultationRefusal):
                    return Created(Done.INVALID, refusal=refusal)
                return Created(Done.REFUSED)
            life = await op.publish_consultation(made) if publish else None
        return Created(Done.DONE, made, life=life)

    async def publish(self, who: Signed, consultation_id: int) -> ConsultationLife | Done:
        async with self.acting(who) as op:
            if await op.tx.run(consultations.audience, consultation_id) is None:
                return Done.MISSING
            life = await op.publish_consultation(consultation_id)
            if life is not None:
                return life
            # Within the scope but no draft any more (published already, on another page).
            audience = await op.tx.run(consultations.audience, consultation_id)
            assert audience is not None
            return Done.INVALID if await op.authority.covers(audience) else Done.REFUSED

    async def hide(self, who: Signed, consultation_id: int, answer_id: int) -> Done:
        async with self.acting(who) as op:
            if await op.tx.run(consultations.audience, consultation_id) is None:
                return Done.MISSING
            hidden = await op.hide_answer(consultation_id, answer_id)
        return Done.REFUSED if hidden is None else Done.DONE if hidden else Done.MISSING

    async def voice(self, who: Signed, consultation_id: int, answer_id: int) -> Attachment | Done:
        async with self.acting(who) as op:
            if await op.tx.run(consultations.audience, consultation_id) is None:
                return Done.MISSING
            if not await op.can_hear_answers(consultation_id):
                return Done.REFUSED
            found = await op.tx.run(consultations.voice, consultation_id, answer_id)
        return Done.MISSING if found is None else found

    async def export(self, who: Signed, consultation_id: int, kind: FilingKind) -> Download | Done:
        async with self.acting(who) as op:
            found = await self._report(op, consultation_id)
        if isinstance(found, Done):
            return found
        if kind is FilingKind.PDF:
            # Charts and shaped Arabic take a moment to lay out: away from the event loop.
            data = await asyncio.to_thread(to_pdf, found)
        else:
            data = as_csv(result_rows(found, self.gazetteer.name_fr)).encode()
        return Download(data, f"consultation-{consultation_id}.{kind}", CONTENT_TYPES[kind])


def _opening(draft: ConsultationDraft, now: datetime) -> ConsultationDraft:
    """The draft opening now when its opening time is gone, or none was given (`AT_ONCE`)."""
    return replace(draft, opens_at=max(draft.opens_at, now))
