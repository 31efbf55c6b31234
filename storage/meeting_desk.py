"""An organizer's meetings and updates on the dashboard, within their scope.

Each call is one transaction under the signed-in organizer's authority, through
storage/operator.py: the meeting actions are the chat's own (storage/services/meeting_actions.py)
and an update is planned as `hayna broadcast send` plans one, so the dashboard, the chat and the
command line check the scope and audit alike. What is outside the scope is refused there, and
the try is in the audit log.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from datetime import datetime

from conversations.consultation_table import as_csv
from conversations.desk import Done, Outcome, Signed, UpdateFigures
from conversations.groups import Audience, Counts, Meeting, MeetingDraft, Reach
from conversations.meeting_desk import (
    PAST,
    UPDATES_LISTED,
    Closing,
    DeskWhy,
    Made,
    draft_why,
    update_why,
)
from conversations.outcome import OutcomeDraft, OutcomeError
from conversations.outcome_table import outcome_rows
from conversations.petition_desk import CONTENT_TYPES, Download, FilingKind
from storage import announcements, groups, meetings, overview
from storage.acting import Acting
from storage.gazetteer import Gazetteer
from storage.meetings import MeetingError
from storage.operator import Operator
from storage.outcome_pdf import to_pdf
from storage.services.community import MEETINGS_READ

Change = Callable[[Operator], Awaitable[bool]]


class SqlMeetingDesk:
    """`MeetingDesk` on SQL, one transaction per call."""

    def __init__(self, acting: Acting, gazetteer: Gazetteer, text_limit: int) -> None:
        self.acting = acting
        self.gazetteer = gazetteer
        self._text_limit = text_limit

    @property
    def text_limit(self) -> int:
        return self._text_limit

    async def meetings(self, who: Signed) -> Sequence[tuple[Meeting, Counts]]:
        async with self.acting(who) as op:
            scope = await op.authority.scope()
            found = await op.tx.run(meetings.recent_within, scope, op.now - PAST, MEETINGS_READ)
            return await op.tx.run(meetings.answered, found)

    async def meeting(self, who: Signed, meeting_id: int) -> tuple[Meeting, Counts] | Done:
        async with self.acting(who) as op:
            # The answers are counted as the chat counts them: checked against the scope.
            counts = await op.meeting_counts(meeting_id)
            if counts is None:
                return Done.MISSING if isinstance(op.refusal, MeetingError) else Done.REFUSED
            found = await op.tx.run(meetings.view, meeting_id)
        return Done.MISSING if found is None else (found, counts)

    async def reach(self, who: Signed) -> Reach:
        async with self.acting(who) as op:
            scope = await op.authority.scope()
            if not await op.authority.audit("see_reach", "", bool(scope)):
                return Reach()
            home = await op.tx.run(groups.home_of, who.resident_id)
            return await op.tx.run(groups.reach, scope, home, op.now)

    async def recipients(self, who: Signed, audience: Audience) -> int | Done:
        async with self.acting(who) as op:
            target = audience.commune_code
            settled = await op.authority.may(audience, "count_audience", target)
            if settled is None:
                return Done.REFUSED
            return await op.tx.run(announcements.audience_size, settled)

    async def create_meeting(self, who: Signed, draft: MeetingDraft, publish: bool) -> Made:
        async with self.acting(who) as op:
            problem = draft_why(draft, op.now)
            if problem is not None:
                return Made(Outcome(Done.INVALID, why=problem))
            audience = await _settled(op, Audience(draft.commune_code, draft.group_ids))
            settled = replace(
                draft, commune_code=audience.commune_code, group_ids=audience.group_ids
            )
            meeting_id = await op.create_meeting(settled)
            if meeting_id is None:
                return Made(Outcome(Done.REFUSED))
            if publish and not await op.publish_meeting(meeting_id):
                return Made(await _refused(op, meeting_id, None), meeting_id)
        return Made(Outcome(Done.DONE), meeting_id)

    async def publish_meeting(self, who: Signed, meeting_id: int) -> Outcome:
        return await self._change(who, meeting_id, lambda op: op.publish_meeting(meeting_id))

    async def move_meeting(self, who: Signed, meeting_id: int, starts_at: datetime) -> Outcome:
        def move(op: Operator) -> Awaitable[bool]:
            return op.move_meeting(meeting_id, starts_at)

        return await self._change(who, meeting_id, move, starts_at)

    async def cancel_meeting(self, who: Signed, meeting_id: int) -> Outcome:
        return await self._change(who, meeting_id, lambda op: op.cancel_meeting(meeting_id))

    async def _change(
        self, who: Signed, meeting_id: int, change: Change, at: datetime | None = None
    ) -> Outcome:
        async with self.acting(who) as op:
            if await change(op):
                return Outcome(Done.DONE)
            return await _refused(op, meeting_id, at)

    async def closing(self, who: Signed, meeting_id: int) -> Closing:
        async with self.acting(who) as op:
            found = await op.tx.run(meetings.view, meeting_id)
            held = found is not None and found.status == "published" and found.starts_at <= op.now
            return Closing(held, await op.meeting_outcome(meeting_id) if held else None)

    async def record_outcome(
        self, who: Signed, meeting_id: int, draft: OutcomeDraft, publish: bool
    ) -> Outcome:
        async with self.acting(who) as op:
            done = await op.record_outcome(meeting_id, draft, publish)
            return Outcome(Done.DONE) if done else _outcome_refused(op)

    async def publish_outcome(self, who: Signed, meeting_id: int) -> Outcome:
        async with self.acting(who) as op:
            done = await op.publish_outcome(meeting_id)
            return Outcome(Done.DONE) if done else _outcome_refused(op)

    async def export_outcome(
        self, who: Signed, meeting_id: int, kind: FilingKind
    ) -> Download | Done:
        async with self.acting(who) as op:
            found = await op.meeting_outcome(meeting_id)
            meeting = await op.tx.run(meetings.view, meeting_id)
            if found is None or meeting is None:
                return Done.REFUSED if op.refusal is None and meeting else Done.MISSING
        if kind is FilingKind.PDF:
            # Shaped Arabic takes a moment to lay out: away from the event loop.
            data = await asyncio.to_thread(to_pdf, meeting, found)
        else:
            data = as_csv(outcome_rows(meeting, found)).encode()
        return Download(data, f"meeting-{meeting_id}-outcome.{kind}", CONTENT_TYPES[kind])

    async def updates(self, who: Signed) -> Sequence[UpdateFigures]:
        async with self.acting(who) as op:
            scope = await op.authority.scope()
            return await op.tx.run(overview.updates_within, scope, UPDATES_LISTED)

    async def update(self, who: Signed, update_id: int) -> UpdateFigures | Done:
        async with self.acting(who) as op:
            report = await op.delivery_report(update_id)
            if report is None:
                return Done.MISSING if op.refusal is not None else Done.REFUSED
            return UpdateFigures(await op.tx.run(announcements.words_of, update_id), report)

    async def send_update(
        self, who: Signed, texts: Sequence[tuple[str, str]], audience: Audience, at: datetime
    ) -> Made:
        async with self.acting(who) as op:
            problem = update_why(texts, self.text_limit, at, op.now)
            if problem is not None:
                return Made(Outcome(Done.INVALID, why=problem))
            settled = await _settled(op, audience)
            when = max(at, op.now)
            planned = await op.broadcast(
                settled.commune_code, settled.group_ids, texts, when, None, self.gazetteer
            )
        if planned is None:
            return Made(Outcome(Done.REFUSED))
        number, recipients = planned
        return Made(Outcome(Done.DONE, told=recipients), number)


def _outcome_refused(op: Operator) -> Outcome:
    """Outside the scope (no refusal given), no such meeting, or a rule of outcomes."""
    if isinstance(op.refusal, OutcomeError):
        return Outcome(Done.INVALID, why=op.refusal.why)
    return Outcome(Done.MISSING if isinstance(op.refusal, MeetingError) else Done.REFUSED)


async def _settled(op: Operator, audience: Audience) -> Audience:
    """A group's audience with its commune, as the operator's actions name it; one outside the
    scope is left as it is, for those actions to refuse and audit."""
    return await op.authority.covers(audience) or audience


async def _refused(op: Operator, meeting_id: int, at: datetime | None) -> Outcome:
    """What a refused meeting action was: outside the scope (no refusal given), not there, or
    not for a meeting in that state or whose time has passed."""
    if op.refusal is None:
        return Outcome(Done.REFUSED)
    found = await op.tx.run(meetings.view, meeting_id)
    if found is None:
        return Outcome(Done.MISSING)
    times = (found.starts_at,) if at is None else (found.starts_at, at)
    passed = min(times) <= op.now
    return Outcome(Done.INVALID, why=DeskWhy.PAST if passed else DeskWhy.STATE)
