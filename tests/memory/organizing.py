"""`Organizing` in memory: each action checked against the organizer's scope and audited."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime

from conversations.consultation import ConsultationDraft, ConsultationLife, draft_refusal
from conversations.desk import sign_in_path
from conversations.groups import (
    Audience,
    Counts,
    DeliveryReport,
    Group,
    GroupKind,
    Meeting,
    MeetingDraft,
    Reach,
)
from conversations.kit import MOROCCO
from conversations.language import DEFAULT
from conversations.meeting_desk import PAST
from conversations.outcome import (
    DOOR_OPENS,
    CheckedIn,
    MeetingOutcome,
    OutcomeDraft,
    code_of,
    draft_why,
)
from conversations.paper import Entered, PaperOutcome, PaperSignature, paper_refusal
from conversations.petition import Card, PetitionLife
from tests.memory.community import CANCELLED, DRAFT, PUBLISHED, built_in, view
from tests.memory.here import Here, cin_key, unseal
from tests.memory.petitions import MemoryPetitions, petition_card
from tests.memory.world import Announcement, Consultation, Signature
from tests.memory.world import Meeting as Row


class MemoryOrganizing:
    def __init__(self, here: Here) -> None:
        self.here = here

    async def is_organizer(self) -> bool:
        return bool(self.here.scope())

    async def organizer_reach(self) -> Reach | None:
        here = self.here
        scope = here.scope()
        if not here.audit("see_reach", "", bool(scope)):
            return None
        home = here.resident.commune_code
        if scope.everywhere:
            communes: tuple[str, ...] = (home,) if home else ()
        else:
            communes = tuple(sorted(scope.communes))
        for commune in communes:
            built_in(here, commune)
        if scope.everywhere:
            found = [g for g in here.world.groups if g.commune_code == (home or "")]
        else:
            found = [
                g
                for g in here.world.groups
                if g.commune_code in scope.communes or g.id in scope.groups
            ]
        return Reach(communes, tuple(sorted(found, key=lambda g: g.id)))

    def _recipients(self, audience: Audience) -> int:
        world = self.here.world
        if audience.group_ids:
            ids = set().union(*(world.members.get(g, {}).keys() for g in audience.group_ids))
            who = [world.residents[i] for i in ids if i in world.residents]
        else:
            who = [r for r in world.residents.values() if r.commune_code == audience.commune_code]
        return sum(1 for r in who if r.pushes_enabled)

    async def dashboard_link(self) -> str | None:
        here = self.here
        if not here.audit("dashboard_link", "", await self.is_organizer()):
            return None
        token = secrets.token_urlsafe(32)
        here.world.sign_ins[token] = (here.me, here.clock())
        return "http://memory" + sign_in_path(token, here.resident.language or DEFAULT)

    async def paper_petitions(self) -> Sequence[Card] | None:
        here = self.here
        scope = here.scope()
        if not here.audit("see_paper_petitions", "", bool(scope)):
            return None
        communes = set(scope.communes)
        if scope.everywhere and here.resident.commune_code:
            communes.add(here.resident.commune_code)
        desk = MemoryPetitions(here)
        found = [p for p in here.world.petitions
                 if p.draft.commune_code in communes and desk.collecting(p)]  # fmt: skip
        found.sort(key=lambda p: (p.draft.deadline, p.id))
        return [petition_card(p, None) for p in found[:10]]

    async def add_paper(self, code: str, paper: PaperSignature, sealed_cin: str) -> Entered:
        here = self.here
        p = next((p for p in here.world.petitions if p.code == code), None)
        if p is None or not here.scope().covers(Audience(p.draft.commune_code)):
            here.audit("add_paper", code, False)
            return Entered(PaperOutcome.NO_PETITION if p is None else PaperOutcome.REFUSED)
        if not MemoryPetitions(here).collecting(p):
            return Entered(PaperOutcome.NOT_OPEN)
        cin = unseal(sealed_cin)
        why = paper_refusal(replace(paper, cin=cin), here.clock().astimezone(MOROCCO).date())
        if why is not None:
            return Entered(PaperOutcome.INVALID, why=why)
        key = cin_key(cin)
        first = next((s.at for s in p.signatures if s.cin_key == key), None)
        if first is not None:
            return Entered(PaperOutcome.DUPLICATE, first)
        p.signatures.append(Signature(None, paper.full_name, key, sealed_cin, here.clock()))
        if p.life is PetitionLife.OPEN and len(p.signatures) >= p.draft.threshold:
            p.life = PetitionLife.THRESHOLD_REACHED
        here.audit("add_paper", code, True)
        return Entered(PaperOutcome.ADDED, here.clock())

    async def audience_size(self, audience: Audience) -> int | None:
        settled = self.here.may(audience, "count_audience", audience.commune_code)
        return None if settled is None else self._recipients(settled)

    async def broadcast(
        self, texts: Sequence[tuple[str, str]], audience: Audience, at: datetime, photo: str = ""
    ) -> int | None:
        settled = self.here.may(audience, "broadcast", audience.commune_code)
        if settled is None or not texts:
            return None
        world = self.here.world
        number = len(world.announcements) + 1
        due = max(at, self.here.clock())
        world.announcements.append(Announcement(number, settled, tuple(texts), due, photo))
        return number

    async def delivery_report(self, announcement_id: int) -> DeliveryReport | None:
        found = [a for a in self.here.world.announcements if a.id == announcement_id]
        if not found or not self.here.may(found[0].audience, "report", str(announcement_id)):
            return None
        # Nothing is ever sent in memory: everyone it will reach is still queued.
        waiting = self._recipients(found[0].audience)
        return DeliveryReport(announcement_id, found[0].due_at, waiting, queued=waiting)

    async def create_group(self, commune: str, kind: GroupKind, name: str) -> int | None:
        if not self.here.may(Audience(commune), "create_group", name):
            return None
        groups = self.here.world.groups
        same = [
            g for g in groups if (g.commune_code, g.kind, g.name) == (commune, kind, name.strip())
        ]
        if same:
            return same[0].id
        groups.append(Group(len(groups) + 1, commune, kind, name.strip()))
        return len(groups)

    async def create_meeting(self, draft: MeetingDraft) -> int | None:
        audience = Audience(draft.commune_code, draft.group_ids)
        if not self.here.may(audience, "create_meeting", draft.title):
            return None
        meetings = self.here.world.meetings
        meetings.append(Row(len(meetings) + 1, draft, DRAFT, self.here.organizer))
        return len(meetings)

    def _row(self, meeting_id: int) -> Row | None:
        return next((m for m in self.here.world.meetings if m.id == meeting_id), None)

    def _on_meeting(self, meeting_id: int, action: str, change: Callable[[Row], bool]) -> bool:
        """As storage/services/meeting_actions.py: audited, allowed when the change was made."""
        row = self._row(meeting_id)
        done = (
            row is not None
            and self.here.covers(Audience(row.draft.commune_code, row.draft.group_ids)) is not None
            and change(row)
        )
        return self.here.audit(action, str(meeting_id), done)

    async def publish_meeting(self, meeting_id: int) -> bool:
        def publish(row: Row) -> bool:
            if row.status != DRAFT or row.draft.starts_at <= self.here.clock():
                return False
            row.status = PUBLISHED
            return True

        return self._on_meeting(meeting_id, "publish_meeting", publish)

    async def move_meeting(self, meeting_id: int, starts_at: datetime) -> bool:
        def move(row: Row) -> bool:
            if row.status != PUBLISHED or starts_at <= self.here.clock():
                return False
            row.draft = replace(row.draft, starts_at=starts_at)
            return True

        return self._on_meeting(meeting_id, "move_meeting", move)

    async def cancel_meeting(self, meeting_id: int) -> bool:
        def cancel(row: Row) -> bool:
            if row.status != PUBLISHED:
                return False
            row.status = CANCELLED
            return True

        return self._on_meeting(meeting_id, "cancel_meeting", cancel)

    async def meeting_counts(self, meeting_id: int) -> Counts | None:
        row = self._row(meeting_id)
        # Audited as SQL does, a missing meeting (a refused try) included.
        if not self._on_meeting(meeting_id, "rsvps_meeting", lambda _: True) or row is None:
            return None
        said = list(row.answers.values())
        counted = {a.name.lower(): said.count(a) for a in set(said)}
        return Counts(**counted, at_door=len(row.checked))

    async def organizer_meetings(self) -> Sequence[Meeting] | None:
        here = self.here
        scope = here.scope()
        if not here.audit("list_meetings", "", bool(scope)):
            return None
        now = here.clock()
        found = [
            m
            for m in here.world.meetings
            if m.status != CANCELLED
            and m.draft.starts_at > now
            and scope.covers(Audience(m.draft.commune_code, m.draft.group_ids))
        ]
        found.sort(key=lambda m: (m.draft.starts_at, m.id))
        return [view(m) for m in found]

    async def held_meetings(self) -> Sequence[Meeting] | None:
        here = self.here
        scope = here.scope()
        if not here.audit("list_held_meetings", "", bool(scope)):
            return None
        now = here.clock()
        found = [
            m
            for m in here.world.meetings
            if m.status == PUBLISHED
            and now - PAST < m.draft.starts_at <= now + DOOR_OPENS
            and scope.covers(Audience(m.draft.commune_code, m.draft.group_ids))
        ]
        found.sort(key=lambda m: (m.draft.starts_at, m.id), reverse=True)
        return [view(m) for m in found]

    async def check_in(self, meeting_id: int, code: str) -> CheckedIn | None:
        said: list[CheckedIn] = []

        def check(row: Row) -> bool:
            who = next((r for r, c in row.codes.items() if c == code_of(code)), None)
            said.append(
                CheckedIn.UNKNOWN
                if who is None
                else CheckedIn.ALREADY
                if who in row.checked
                else CheckedIn.OK
            )
            if who is not None:
                row.checked.add(who)
            return True

        return said[0] if self._on_meeting(meeting_id, "check_in", check) else None

    async def record_outcome(self, meeting_id: int, draft: OutcomeDraft, publish: bool) -> bool:
        now = self.here.clock()

        def record(row: Row) -> bool:
            late = row.outcome is not None and row.outcome.published_at is not None
            if row.status != PUBLISHED or row.draft.starts_at > now or late:
                return False
            if draft_why(draft, now.astimezone(MOROCCO).date()) is not None:
                return False
            decided = tuple(replace(d, position=i) for i, d in enumerate(draft.decisions, 1))
            row.outcome = MeetingOutcome(
                row.id, draft.summary, draft.attended, len(row.checked), self.here.organizer,
                now, now if publish else None, decided, draft.by_group,
            )  # fmt: skip
            return True

        return self._on_meeting(meeting_id, "record_outcome", record)

    async def publish_outcome(self, meeting_id: int) -> bool:
        now = self.here.clock()

        def publish(row: Row) -> bool:
            if row.outcome is None or row.outcome.published_at is not None:
                return False
            row.outcome = replace(row.outcome, published_at=now)
            return True

        return self._on_meeting(meeting_id, "publish_outcome", publish)

    async def meeting_outcome(self, meeting_id: int) -> MeetingOutcome | None:
        row = self._row(meeting_id)
        if not self._on_meeting(meeting_id, "see_outcome", lambda _: True) or row is None:
            return None
        return row.outcome

    async def create_consultation(self, draft: ConsultationDraft) -> int | None:
        audience = Audience(draft.commune_code, draft.group_ids)
        if not self.here.may(audience, "create_consultation", draft.commune_code):
            return None
        if draft_refusal(draft, self.here.clock()) is not None:
            return None
        found = self.here.world.consultations
        found.append(Consultation(len(found) + 1, draft, ConsultationLife.DRAFT))
        return len(found)

    def _consultation(self, consultation_id: int, action: str) -> Consultation | None:
        found = next((c for c in self.here.world.consultations if c.id == consultation_id), None)
        audience = Audience(found.draft.commune_code, found.draft.group_ids) if found else None
        allowed = audience is not None and self.here.covers(audience) is not None
        return found if self.here.audit(action, str(consultation_id), allowed) else None

    async def publish_consultation(self, consultation_id: int) -> ConsultationLife | None:
        found = self._consultation(consultation_id, "publish_consultation")
        if found is None or found.life is not ConsultationLife.DRAFT:
            return None
        early = found.draft.opens_at > self.here.clock()
        found.life = ConsultationLife.SCHEDULED if early else ConsultationLife.OPEN
        return found.life
