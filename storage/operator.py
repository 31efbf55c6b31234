"""Organizer actions outside the chat: the `hayna` commands that change what residents see or
who organizes, and the dashboard's changes of reports and petitions (storage/desk.py,
storage/petition_desk.py), checked as a chat organizer's actions are (the audience settled and
covered by the scope; a report's and a petition's is its commune) and written to the audit log
under the actor's name, whether allowed or refused. The operator at the terminal acts
everywhere, as HAYNA_ADMINS do; a signed-in organizer within their scope (storage/services/
authority.py). The meeting actions are the chat's own (storage/services/meeting_actions.py).

A refused action changes nothing but the audit log: it returns None and `refusal` says why, for
the caller to say once the transaction is committed, so that the audit entry stays.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from conversations import petition_rules, report_rules
from conversations.actor import ACTOR_MAX
from conversations.answer_clock import Deposit
from conversations.association import DEFAULT_CHECKLIST, Check, CheckItem, Checklist
from conversations.commitment import Commitment, CommitmentDraft, CommitmentLife, CommitmentRefusal
from conversations.consultation import (
    ConsultationDraft,
    ConsultationLife,
    ConsultationRefusal,
    ConsultationReport,
)
from conversations.groups import Audience, Counts, DeliveryReport, GroupKind, MeetingDraft
from conversations.kit import Address
from conversations.outcome import CheckedIn, MeetingOutcome, OutcomeDraft, OutcomeError
from conversations.paper import Entered, PaperSignature
from conversations.petition import PetitionDraft, PetitionLife
from conversations.petition_desk import Filing
from conversations.report import ReportStatus
from storage import announcements, filing, groups, media, petitions, reports
from storage.announcements import Kind
from storage.database import Tx
from storage.gazetteer import Gazetteer
from storage.meetings import MeetingError
from storage.services import paper
from storage.services.authority import Authority, OperatorAuthority
from storage.services.commitment_actions import CommitmentActions
from storage.services.consultation_actions import ConsultationActions
from storage.services.meeting_actions import MeetingActions
from storage.vault import Vault

REMOVE = "remove_organizer"
HIDE = "hide_report"
DRAFT = "draft_petition"
# Ticking or unticking items of an association petition's checklist.
CHECK = "check_petition"
# Taking a petition's filing, with its signatories' CINs in clear.
EXPORT = "export_petition"


class OperatorWhy(StrEnum):
    # A group given with a commune is not one of its groups.
    GROUP_ELSEWHERE = "group_elsewhere"
    # An organizer by HAYNA_ADMINS, which no command changes.
    ADMIN = "admin"
    NO_SCOPE = "no_scope"
    NO_UPDATE = "no_update"
    # Nobody organizes from this address (no stored scope, not in HAYNA_ADMINS).
    NOT_ORGANIZER = "not_organizer"


@dataclass(frozen=True, slots=True)
class OperatorRefusal:
    why: OperatorWhy
    # The group, or the update, that is not there.
    number: int = 0
    commune: str = ""
    address: str = ""


AnyRefusal = (
    OperatorRefusal
    | petition_rules.PetitionRefusal
    | report_rules.ReportRefusal
    | MeetingError
    | OutcomeError
    | ConsultationRefusal
    | CommitmentRefusal
)


@dataclass(frozen=True, slots=True)
class Photo:
    """A photo for an update, read from a file: its name, type and bytes."""

    filename: str
    content_type: str
    data: bytes


class Operator:
    """Organizer actions in one transaction, under an authority: the operator's at the terminal
    (`at_terminal`), or a signed-in organizer's on the dashboard (storage/desk.py), so that
    both are checked against the same scope and audited alike."""

    def __init__(self, authority: Authority) -> None:
        self.authority = authority
        self.tx = authority.tx
        self.actor = authority.organizer[:ACTOR_MAX]
        self.now = authority.clock()
        self.meetings = MeetingActions(authority)
        self.consultations = ConsultationActions(authority)
        self.commitments = CommitmentActions(authority)
        self.refusal: AnyRefusal | None = None

    @classmethod
    def at_terminal(cls, tx: Tx, actor: str, now: datetime) -> Operator:
        """The operator at the terminal, everywhere, under the name they give."""
        return cls(OperatorAuthority(tx, actor, now))

    async def _audit(self, action: str, target: str, allowed: bool) -> bool:
        return await self.authority.audit(action, target, allowed)

    async def _in_commune(
        self, commune: str, group_ids: Sequence[int], action: str, target: str
    ) -> bool:
        """Whether every group is one of the commune's; the try is audited when one is not."""
        for group_id in group_ids:
            group = await self.tx.run(groups.group, group_id)
            if group is None or group.commune_code != commune:
                self.refusal = OperatorRefusal(OperatorWhy.GROUP_ELSEWHERE, group_id, commune)
                await self._audit(action, target, False)
                return False
        return True

    async def _may(
        self, commune: str, group_ids: Sequence[int], action: str, target: str
    ) -> Audience | None:
        """The audience of these groups of the commune (all of it without groups), when it is
        one and the operator may address it; the try is audited either way."""
        if not await self._in_commune(commune, group_ids, action, target):
            return None
        return await self.authority.may(Audience(commune, tuple(group_ids)), action, target)

    async def create_group(self, commune: str, kind: GroupKind, name: str) -> int | None:
        if await self._may(commune, (), "create_group", name) is None:
            return None
        return await self.tx.run(groups.create_group, commune, kind, name, self.actor, self.now)

    async def invite(self, commune: str, group_id: int | None) -> str | None:
        """A single-use code making its redeemer an organizer of the commune or of one group."""
        chosen = () if group_id is None else (group_id,)
        if await self._may(commune, chosen, "invite", commune) is None:
            return None
        return await self.tx.run(groups.invite, commune, group_id, self.actor, self.now)

    async def broadcast(
        self,
        commune: str,
        group_ids: Sequence[int],
        texts: Sequence[tuple[str, str]],
        at: datetime,
        photo: Photo | None,
        gazetteer: Gazetteer,
    ) -> tuple[int, int] | None:
        """Plan an update; its number and how many it goes to."""
        audience = await self._may(commune, group_ids, "broadcast", commune)
        if audience is None:
            return None
        body = await self.tx.run(announcements.update_body, audience, texts, gazetteer)
        photo_id = None
        if photo is not None:
            photo_id = await self.tx.run(
                media.store, photo.filename, photo.content_type, photo.data, self.now
            )
        number = await self.tx.run(
            announcements.create,
            Kind.BROADCAST,
            audience,
            body,
            at,
            self.actor,
            self.now,
            None,
            photo_id,
        )
        return number, await self.tx.run(announcements.audience_size, audience)

    async def delivery_report(self, announcement_id: int) -> DeliveryReport | None:
        """Where an update's deliveries stand, when its audience is within the scope."""
        target = str(announcement_id)
        audience = await self.tx.run(announcements.audience_at, announcement_id)
        if audience is None:
            self.refusal = OperatorRefusal(OperatorWhy.NO_UPDATE, announcement_id)
            await self._audit("report", target, False)
            return None
        if await self.authority.may(audience, "report", target) is None:
            return None
        return await self.tx.run(announcements.report, announcement_id)

    async def create_meeting(self, draft: MeetingDraft) -> int | None:
        commune, chosen = draft.commune_code, draft.group_ids
        if not await self._in_commune(commune, chosen, "create_meeting", draft.title):
            return None
        return await self.meetings.create(draft)

    async def create_consultation(self, draft: ConsultationDraft) -> int | None:
        commune, chosen = draft.commune_code, draft.group_ids
        if not await self._in_commune(commune, chosen, "create_consultation", commune):
            return None
        made = await self.consultations.create(draft)
        self.refusal = self.consultations.refusal or self.refusal
        return made

    async def publish_consultation(self, consultation_id: int) -> ConsultationLife | None:
        return await self.consultations.publish(consultation_id)

    async def hide_answer(self, consultation_id: int, answer_id: int) -> bool | None:
        return await self.consultations.hide(consultation_id, answer_id)

    async def can_hear_answers(self, consultation_id: int) -> bool:
        return await self.consultations.may_hear(consultation_id)

    async def consultation_report(
        self, consultation_id: int, gazetteer: Gazetteer
    ) -> ConsultationReport | None:
        return await self.consultations.report(consultation_id, gazetteer)

    async def add_commitment(self, draft: CommitmentDraft) -> int | None:
        made = await self.commitments.add(draft)
        self.refusal = self.commitments.refusal or self.refusal
        return made

    async def set_commitment_status(
        self, commitment_id: int, life: CommitmentLife, note: str
    ) -> int | None:
        """The commitment's new status; how many followers are told, None when refused."""
        told = await self.commitments.set_status(commitment_id, life, note)
        self.refusal = self.commitments.refusal or self.refusal
        return told

    async def commitment_list(self, commune: str | None) -> list[Commitment]:
        return await self.commitments.listing(commune)

    async def publish_meeting(self, meeting_id: int) -> bool:
        return self._meeting(await self.meetings.publish(meeting_id))

    async def move_meeting(self, meeting_id: int, starts_at: datetime) -> bool:
        return self._meeting(await self.meetings.move(meeting_id, starts_at))

    async def cancel_meeting(self, meeting_id: int) -> bool:
        return self._meeting(await self.meetings.cancel(meeting_id))

    async def meeting_counts(self, meeting_id: int) -> Counts | None:
        counts = await self.meetings.counts(meeting_id)
        self._meeting(counts is not None)
        return counts

    async def check_in(self, meeting_id: int, code: str) -> CheckedIn | None:
        said = await self.meetings.check_in(meeting_id, code)
        self._meeting(said is not None)
        return said

    async def record_outcome(self, meeting_id: int, draft: OutcomeDraft, publish: bool) -> bool:
        """Record a held meeting's outcome, and publish it when asked, in one transaction."""
        if not self._meeting(await self.meetings.record_outcome(meeting_id, draft)):
            return False
        return not publish or await self.publish_outcome(meeting_id)

    async def publish_outcome(self, meeting_id: int) -> bool:
        return self._meeting(await self.meetings.publish_outcome(meeting_id))

    async def meeting_outcome(self, meeting_id: int) -> MeetingOutcome | None:
        found = await self.meetings.outcome(meeting_id)
        self._meeting(self.meetings.refusal is None)
        return found

    def _meeting(self, done: bool) -> bool:
        """What a meeting action did; when the meeting refused it, why."""
        if not done and self.meetings.refusal is not None:
            self.refusal = self.meetings.refusal
        return done

    async def draft_petition(
        self, draft: PetitionDraft, checklist: Checklist = DEFAULT_CHECKLIST
    ) -> str | None:
        """Store a draft for a commune within the scope, an association's with ``checklist``;
        its code."""
        if await self.authority.covers(Audience(draft.commune_code)) is None:
            await self._audit(DRAFT, draft.title, False)
            return None
        try:
            code = await self.tx.run(petitions.create, draft, self.actor, self.now, checklist)
        except petition_rules.PetitionError as error:
            self.refusal = error.refusal
            await self._audit(DRAFT, draft.title, False)
            return None
        await self._audit(DRAFT, code, True)
        return code

    async def reaches_petition(self, code: str, action: str) -> bool:
        """Whether the petition is there and within the scope (its commune covered); the try is
        audited when it is not, and when it is not there `refusal` says so."""
        commune = await self.tx.run(petitions.commune_of, code)
        if commune is None:
            self.refusal = petition_rules.PetitionRefusal(
                petition_rules.PetitionWhy.NO_PETITION, code
            )
        elif await self.authority.covers(Audience(commune)) is not None:
            return True
        await self._audit(action, code, False)
        return False

    async def petition_filing(self, code: str, vault: Vault, gazetteer: Gazetteer) -> Filing | None:
        """A published petition's filing, its CINs in clear: who took it is audited, whether
        they could or not."""
        if not await self.reaches_petition(code, EXPORT):
            return None
        found = await self.tx.run(filing.gathered, code, vault, gazetteer)
        if found is None:
            self.refusal = petition_rules.PetitionRefusal(petition_rules.PetitionWhy.UNFILED, code)
        await self._audit(EXPORT, code, found is not None)
        return found

    async def move_petition(
        self, code: str, life: PetitionLife, note: str, deposit: Deposit | None = None
    ) -> tuple[PetitionLife, int] | None:
        """Move a petition along its life (filing with its ``deposit``); where it was, and how
        many signers are told."""
        action = f"{life}_petition"
        if not await self.reaches_petition(code, action):
            return None
        before = await self.tx.run(petitions.status, code)
        try:
            signers = await self.tx.run(
                petitions.move, code, life, note, self.actor, self.now, deposit
            )
        except petition_rules.PetitionError as error:
            self.refusal = error.refusal
            await self._audit(action, code, False)
            return None
        await self._audit(action, code, True)
        assert before is not None  # moved, so it exists
        return before, signers

    async def tick_checklist(
        self, code: str, ticks: Sequence[tuple[CheckItem, bool]]
    ) -> list[Check] | None:
        """Tick (True) or untick items of the checklist of an association's petition of the
        scope, all or none; the checklist then. Audited with the items in the target ("+seat"
        ticked, "-seat" unticked), a refused try included."""
        if not await self.reaches_petition(code, CHECK):
            return None
        target = " ".join((code, *(f"{'+' if ticked else '-'}{item}" for item, ticked in ticks)))
        try:
            checks = await self.tx.run(petitions.checklist, code)
            # Every item checked first: ticking some and refusing the next would keep half.
            if not {item for item, _ in ticks} <= {check.item for check in checks}:
                raise petition_rules.PetitionError(
                    petition_rules.PetitionRefusal(
                        petition_rules.PetitionWhy.NOT_ON_CHECKLIST, code
                    )
                )
            for item, ticked in ticks:
                checks = await self.tx.run(petitions.tick, code, item, ticked, self.actor, self.now)
        except petition_rules.PetitionError as error:
            self.refusal = error.refusal
            await self._audit(CHECK, target, False)
            return None
        await self._audit(CHECK, target, True)
        return checks

    async def add_paper(self, code: str, line: PaperSignature, vault: Vault) -> Entered:
        """Count a line of a paper sheet on a petition of the scope; audited, a refused try
        included (storage/services/paper.py, as in the chat)."""
        return await paper.add_paper(self.authority, code, line, vault)

    async def reaches_report(self, ref: str, action: str) -> bool:
        """Whether the report is there and within the scope (its commune covered); the try is
        audited when it is not, and when it is not there `refusal` says so."""
        commune = await self.tx.run(reports.commune_of, ref)
        if commune is None:
            self.refusal = report_rules.ReportRefusal(report_rules.ReportWhy.NO_REPORT, ref)
        elif await self.authority.covers(Audience(commune)) is not None:
            return True
        await self._audit(action, ref, False)
        return False

    async def set_report_status(
        self, ref: str, status: ReportStatus, note: str, kept: str
    ) -> tuple[ReportStatus, int | None] | None:
        """Change a report's status; what it was, and how many followers are told (None when
        it already had this status)."""
        if not await self.reaches_report(ref, "report_status"):
            return None
        before = await self.tx.run(reports.detail, ref)
        try:
            followers = await self.tx.run(
                reports.set_status, ref, status, note, self.actor, self.now, kept
            )
        except report_rules.ReportError as error:
            self.refusal = error.refusal
            await self._audit("report_status", ref, False)
            return None
        await self._audit("report_status", ref, True)
        assert before is not None  # changed, so it exists
        return before.brief.status, followers

    async def hide_report(self, ref: str, media_id: int | None, reason: str) -> bool | None:
        """Hide a report's text (``media_id`` None) or one of its files from other residents;
        False when it already was hidden."""
        if not await self.reaches_report(ref, HIDE):
            return None
        try:
            hidden = await self.tx.run(reports.hide, ref, media_id, reason, self.actor, self.now)
        except report_rules.ReportError as error:
            self.refusal = error.refusal
            await self._audit(HIDE, ref, False)
            return None
        await self._audit(HIDE, ref, True)
        return hidden

    async def remove_organizer(
        self, address: Address, commune: str, group_id: int | None, admin: bool
    ) -> list[tuple[str, int | None]] | None:
        """Take scopes away from whoever writes from ``address``: one group's, a commune's, or
        all (``commune`` empty); those removed. An address in HAYNA_ADMINS (``admin``) is an
        organizer by the environment, which no stored scope changes."""
        where = scope_words(commune, group_id)
        if group_id is not None:
            group = await self.tx.run(groups.group, group_id)
            if group is None or group.commune_code != commune:
                self.refusal = OperatorRefusal(OperatorWhy.GROUP_ELSEWHERE, group_id, commune)
                await self._audit(REMOVE, f"{address.channel}: {where}", False)
                return None
        resident_id = await self.tx.run(groups.resident_at, address)
        removed = []
        if resident_id is not None:
            removed = await self.tx.run(
                groups.remove_scopes, resident_id, commune or None, group_id
            )
        # Who, never their number or chat id: the audit log outlives an erasure.
        who = f"{address.channel} resident {resident_id}" if resident_id else address.channel
        if removed:
            await self._audit(REMOVE, f"{who}: {where}", True)
            return removed
        why = OperatorWhy.ADMIN if admin else OperatorWhy.NO_SCOPE
        self.refusal = OperatorRefusal(why, group_id or 0, commune, str(address))
        await self._audit(REMOVE, f"{who} admin: {where}" if admin else f"{who}: {where}", False)
        return None


def scope_words(commune: str, group_id: int | None) -> str:
    """Where scopes are taken away, in the audit log's words."""
    if group_id is not None:
        return f"in group {group_id} of {commune}"
    return f"in {commune}" if commune else "anywhere"
