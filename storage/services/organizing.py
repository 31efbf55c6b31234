"""What organizers do from the chat: reach, updates, groups and meetings.

Every action is checked against the organizer's scope and audited (storage/services/
authority.py): a refused one returns None (or False) and changes nothing else. The meeting
actions are storage/services/meeting_actions.py's, which the command line shares.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from conversations.consultation import ConsultationDraft, ConsultationLife
from conversations.desk import sign_in_path
from conversations.groups import (
    Audience,
    Counts,
    DeliveryReport,
    GroupKind,
    Meeting,
    MeetingDraft,
    Reach,
)
from conversations.language import DEFAULT, SUPPORTED
from conversations.meeting_desk import PAST
from conversations.outcome import DOOR_OPENS, CheckedIn, MeetingOutcome, OutcomeDraft
from conversations.paper import Entered, PaperSignature
from conversations.petition import Card
from storage import announcements, groups, meetings, petitions, sign_in
from storage.announcements import Kind
from storage.petitions import EnteredOnPaper
from storage.services import paper as paper_lines
from storage.services.authority import ResidentAuthority
from storage.services.bound import Bound
from storage.services.community import MEETINGS_READ
from storage.services.consultation_actions import ConsultationActions
from storage.services.meeting_actions import MeetingActions

# Petitions offered to enter paper signatures into, at most.
PAPER_SHOWN = 10


class SqlOrganizing:
    """`Organizing` on groups, meetings and announcements, within the organizer's scope."""

    def __init__(self, bound: Bound) -> None:
        self.bound = bound
        self.authority = ResidentAuthority(bound)
        self.meetings = MeetingActions(self.authority)
        self.consultations = ConsultationActions(self.authority)

    async def is_organizer(self) -> bool:
        return bool(await self.authority.scope())

    async def organizer_reach(self) -> Reach | None:
        b = self.bound
        scope = await self.authority.scope()
        if not await self.authority.audit("see_reach", "", bool(scope)):
            return None
        return await b.tx.run(groups.reach, scope, b.resident.commune_code, b.clock())

    async def dashboard_link(self) -> str | None:
        b = self.bound
        if not await self.authority.audit("dashboard_link", "", await self.is_organizer()):
            return None
        token = await b.tx.run(sign_in.issue, b.me, b.clock())
        language = b.resident.language if b.resident.language in SUPPORTED else DEFAULT
        return b.dashboard + sign_in_path(token, language)

    async def paper_petitions(self) -> Sequence[Card] | None:
        b = self.bound
        scope = await self.authority.scope()
        if not await self.authority.audit("see_paper_petitions", "", bool(scope)):
            return None
        communes = (
            {b.resident.commune_code} if scope.everywhere and b.resident.commune_code else set()
        )
        communes |= scope.communes
        return await b.tx.run(petitions.collecting_in, sorted(communes), b.clock(), PAPER_SHOWN)

    async def add_paper(self, code: str, paper: PaperSignature, sealed_cin: str) -> Entered:
        b = self.bound
        opened = replace(paper, cin=b.vault.open(sealed_cin))
        entered = await paper_lines.add_paper(self.authority, code, opened, b.vault)
        if isinstance(entered, EnteredOnPaper) and entered.unsettled is not None:
            # Its threshold is checked again once this message is committed, as a signer's is.
            b.unsettled.append(entered.unsettled)
        return entered

    async def audience_size(self, audience: Audience) -> int | None:
        settled = await self.authority.may(audience, "count_audience", audience.commune_code)
        if settled is None:
            return None
        return await self.bound.tx.run(announcements.audience_size, settled)

    async def broadcast(
        self, texts: Sequence[tuple[str, str]], audience: Audience, at: datetime, photo: str = ""
    ) -> int | None:
        """Plan an update, one text per language (the first for every other language), maybe
        with a photo still on the organizer's channel (the dispatcher fetches it)."""
        b = self.bound
        settled = await self.authority.may(audience, "broadcast", audience.commune_code)
        if settled is None or not texts:
            return None
        body = await b.tx.run(announcements.update_body, settled, texts, b.gazetteer)
        now = b.clock()
        source = (b.address.channel, photo) if photo else None
        return await b.tx.run(
            announcements.create,
            Kind.BROADCAST,
            settled,
            body,
            max(at, now),
            self.authority.organizer,
            now,
            None,
            None,
            source,
        )

    async def delivery_report(self, announcement_id: int) -> DeliveryReport | None:
        audience = await self.bound.tx.run(announcements.audience_at, announcement_id)
        if audience is None or not await self.authority.may(
            audience, "report", str(announcement_id)
        ):
            return None
        return await self.bound.tx.run(announcements.report, announcement_id)

    async def create_group(self, commune: str, kind: GroupKind, name: str) -> int | None:
        if not await self.authority.may(Audience(commune), "create_group", name):
            return None
        b = self.bound
        return await b.tx.run(
            groups.create_group, commune, kind, name, self.authority.organizer, b.clock()
        )

    async def create_meeting(self, draft: MeetingDraft) -> int | None:
        return await self.meetings.create(draft)

    async def publish_meeting(self, meeting_id: int) -> bool:
        return await self.meetings.publish(meeting_id)

    async def move_meeting(self, meeting_id: int, starts_at: datetime) -> bool:
        return await self.meetings.move(meeting_id, starts_at)

    async def cancel_meeting(self, meeting_id: int) -> bool:
        return await self.meetings.cancel(meeting_id)

    async def organizer_meetings(self) -> Sequence[Meeting] | None:
        """Drafts and published meetings to come, within the organizer's reach."""
        b = self.bound
        scope = await self.authority.scope()
        if not await self.authority.audit("list_meetings", "", bool(scope)):
            return None
        # The next ones only, not every meeting ever held (each is checked against the scope).
        return await b.tx.run(meetings.within, scope, b.clock(), MEETINGS_READ)

    async def meeting_counts(self, meeting_id: int) -> Counts | None:
        return await self.meetings.counts(meeting_id)

    async def held_meetings(self) -> Sequence[Meeting] | None:
        """Published meetings held in the last `PAST`, or whose door opens now, latest first,
        within the reach."""
        b = self.bound
        scope = await self.authority.scope()
        if not await self.authority.audit("list_held_meetings", "", bool(scope)):
            return None
        now = b.clock()
        found = await b.tx.run(meetings.recent_within, scope, now - PAST, MEETINGS_READ)
        opened = now + DOOR_OPENS
        held = [m for m in found if m.starts_at <= opened and m.status == "published"]
        return held[::-1]

    async def check_in(self, meeting_id: int, code: str) -> CheckedIn | None:
        return await self.meetings.check_in(meeting_id, code)

    async def record_outcome(self, meeting_id: int, draft: OutcomeDraft, publish: bool) -> bool:
        if not await self.meetings.record_outcome(meeting_id, draft):
            return False
        return not publish or await self.meetings.publish_outcome(meeting_id)

    async def publish_outcome(self, meeting_id: int) -> bool:
        return await self.meetings.publish_outcome(meeting_id)

    async def meeting_outcome(self, meeting_id: int) -> MeetingOutcome | None:
        return await self.meetings.outcome(meeting_id)

    async def create_consultation(self, draft: ConsultationDraft) -> int | None:
        return await self.consultations.create(draft)

    async def publish_consultation(self, consultation_id: int) -> ConsultationLife | None:
        return await self.consultations.publish(consultation_id)
