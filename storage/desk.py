"""An organizer's desk: what the dashboard reads and does, within the organizer's scope.

Each call is one transaction under the signed-in organizer's authority (storage/services/
authority.py), their scope read afresh. Changes go through storage/operator.py, as
`hayna reports set-status` does, so the dashboard and the command line check and audit alike;
a report outside the scope is refused there, and the try is in the audit log.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from conversations.consultation_desk import ConsultationDesk
from conversations.desk import (
    Desk,
    Done,
    Fetchable,
    LinkWhy,
    Opened,
    Outcome,
    Overview,
    ReportFile,
    ReportList,
    ReportQuery,
    Signed,
    SignIn,
)
from conversations.group_desk import GroupDesk
from conversations.kit import Address
from conversations.meeting_desk import MeetingDesk
from conversations.petition_desk import PetitionDesk
from conversations.petition_terms import DEFAULT_TERMS, PetitionTerms
from conversations.question_desk import QuestionDesk
from conversations.report import ReportStatus
from conversations.report_rules import ReportRefusal, ReportWhy, is_reference
from storage import overview, report_views, sign_in
from storage.acting import Acting, unreached
from storage.consultation_desk import SqlConsultationDesk
from storage.database import Database
from storage.gazetteer import Gazetteer
from storage.group_desk import SqlGroupDesk
from storage.meeting_desk import SqlMeetingDesk
from storage.operator import Operator
from storage.petition_desk import SqlPetitionDesk
from storage.question_desk import SqlQuestionDesk
from storage.vault import Vault

# What the audit log calls a refused look at a report, or at one of its files.
SEE = "see_report"
SEE_FILE = "see_report_file"
# Storage's words for a report, or a file, that is not there.
_MISSING = frozenset({ReportWhy.NO_REPORT, ReportWhy.NO_MEDIA})


class SqlDesk:
    """`Desk` on SQL: the organizer's reads and changes, one transaction each."""

    def __init__(
        self,
        db: Database,
        gazetteer: Gazetteer,
        organizers: frozenset[Address],
        clock: Callable[[], datetime],
    ) -> None:
        self.gazetteer = gazetteer
        self._acting = Acting(db, organizers, clock)

    async def overview(self, who: Signed) -> Overview:
        async with self._acting(who) as op:
            scope = await op.authority.scope()
            return await op.tx.run(overview.overview, scope, op.now)

    async def reports(self, who: Signed, query: ReportQuery) -> ReportList:
        async with self._acting(who) as op:
            scope = await op.authority.scope()
            return await op.tx.run(report_views.listed, scope, query)

    async def report(self, who: Signed, ref: str) -> ReportFile | Done:
        ref = _ref(ref)
        async with self._acting(who) as op:
            if not await op.reaches_report(ref, SEE):
                return unreached(op, _MISSING)
            found = await op.tx.run(report_views.opened, ref)
        return found if found is not None else Done.MISSING

    async def media(self, who: Signed, ref: str, media_id: int) -> Fetchable | Done:
        ref = _ref(ref)
        async with self._acting(who) as op:
            if not await op.reaches_report(ref, SEE_FILE):
                return unreached(op, _MISSING)
            found = await op.tx.run(report_views.fetchable, ref, media_id)
        return found if found is not None else Done.MISSING

    async def set_report_status(
        self, who: Signed, ref: str, status: ReportStatus, note: str, duplicate_of: str
    ) -> Outcome:
        async with self._acting(who) as op:
            changed = await op.set_report_status(
                _ref(ref), status, note.strip(), _ref(duplicate_of)
            )
        if changed is None:
            return Outcome(unreached(op, _MISSING), why=_why(op))
        followers = changed[1]
        return Outcome(Done.SAME) if followers is None else Outcome(Done.DONE, told=followers)

    async def hide(self, who: Signed, ref: str, media_id: int | None, reason: str) -> Outcome:
        async with self._acting(who) as op:
            hidden = await op.hide_report(_ref(ref), media_id, reason)
        if hidden is None:
            return Outcome(unreached(op, _MISSING), why=_why(op))
        return Outcome(Done.DONE if hidden else Done.SAME)


def _ref(ref: str) -> str:
    # References are quoted in any case, as on the command line; what cannot be one (a NUL,
    # a page of text) is looked up as no reference at all.
    quoted = ref.strip().upper()
    return quoted if is_reference(quoted) else ""


def _why(op: Operator) -> str:
    refusal = op.refusal
    if isinstance(refusal, ReportRefusal) and unreached(op, _MISSING) is Done.INVALID:
        return refusal.why.value
    return ""


class SqlSignIn:
    """`SignIn` on storage/sign_in.py, one transaction each."""

    def __init__(
        self, db: Database, organizers: frozenset[Address], clock: Callable[[], datetime]
    ) -> None:
        self.db = db
        self.organizers = organizers
        self.clock = clock

    async def redeem(self, token: str) -> Opened | LinkWhy:
        async with self.db.transaction() as tx:
            return await tx.run(sign_in.redeem, token, self.clock(), self.organizers)

    async def current(self, session: str) -> Signed | None:
        async with self.db.transaction() as tx:
            return await tx.run(sign_in.current, session, self.clock(), self.organizers)

    async def choose_language(self, session: str, language: str) -> None:
        async with self.db.transaction() as tx:
            await tx.run(sign_in.choose_language, session, language)

    async def sign_out(self, session: str) -> None:
        async with self.db.transaction() as tx:
            await tx.run(sign_in.end, session)


class SqlBoard:
    """`Board`: the dashboard's sign-in, its desks, and the communes' names. ``text_limit`` is
    the longest update the channels carry (conversations/organizing.py); ``terms`` the
    deployment's petition terms (conversations/petition_terms.py)."""

    def __init__(
        self,
        db: Database,
        gazetteer: Gazetteer,
        vault: Vault,
        organizers: frozenset[Address],
        clock: Callable[[], datetime],
        text_limit: int,
        terms: PetitionTerms = DEFAULT_TERMS,
    ) -> None:
        self.gazetteer = gazetteer
        self._sign_in = SqlSignIn(db, organizers, clock)
        self._desk = SqlDesk(db, gazetteer, organizers, clock)
        acting = Acting(db, organizers, clock)
        self._groups = SqlGroupDesk(acting)
        # The CINs of a filing are opened with the deployment's key, as the command line does.
        self._petitions = SqlPetitionDesk(db, gazetteer, vault, organizers, clock, terms)
        self._meetings = SqlMeetingDesk(acting, gazetteer, text_limit)
        self._consultations = SqlConsultationDesk(acting, gazetteer)
        self._questions = SqlQuestionDesk(acting)

    @property
    def sign_in(self) -> SignIn:
        return self._sign_in

    @property
    def desk(self) -> Desk:
        return self._desk

    @property
    def groups(self) -> GroupDesk:
        return self._groups

    @property
    def petitions(self) -> PetitionDesk:
        return self._petitions

    @property
    def meetings(self) -> MeetingDesk:
        return self._meetings

    @property
    def consultations(self) -> ConsultationDesk:
        return self._consultations

    @property
    def questions(self) -> QuestionDesk:
        return self._questions

    def commune_name(self, code: str, locale: str) -> str:
        """The commune's name in Arabic script for Arabic, in Latin script otherwise; its code
        when the gazetteer does not know it."""
        found = self.gazetteer.get(code)
        if found is None:
            return code
        return found.name_ar if locale == "ar" else found.name_fr

    def outline(self, code: str) -> Sequence[Sequence[tuple[float, float]]]:
        return self.gazetteer.outline(code)

    def communes(self, codes: Sequence[str]) -> Sequence[tuple[str, str]]:
        # No locale is given: the Latin-script names, which every organizer's filters share.
        named = [(code, self.commune_name(code, "fr")) for code in dict.fromkeys(codes)]
        return sorted(named, key=lambda pair: pair[1])
