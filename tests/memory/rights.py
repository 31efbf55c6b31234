"""`Rights` in memory: the resident's rows, and their erasure with what the law keeps."""

from __future__ import annotations

from collections.abc import Callable

from conversations.cin import masked
from conversations.personal import (
    CONSENTS,
    GROUPS,
    PROFILE,
    REPORTS,
    RSVPS,
    SIGNATURES,
    SUPPORTS,
    MyAccount,
    MyAnswer,
    MyConsent,
    MyGroup,
    MyReport,
    MySignature,
    MySupport,
    PersonalData,
    Row,
)
from conversations.petition import PetitionLife
from tests.memory.here import Here, unseal
from tests.memory.world import World

FILED = frozenset(
    {PetitionLife.FILED, PetitionLife.ACCEPTED, PetitionLife.REJECTED, PetitionLife.ANSWERED}
)


def _account(world: World, me: int) -> list[Row]:
    r = world.residents[me]
    address, since = r.address, r.created_at.isoformat()
    return [
        MyAccount(
            address.channel,
            address.user,
            r.language,
            r.commune_code,
            r.consent_version,
            None,
            r.pushes_enabled,
            True,
            since,
        )
    ]


def _reports(world: World, me: int) -> list[Row]:
    return [
        MyReport(
            r.ref,
            r.status,
            r.draft.category,
            r.draft.other_label,
            r.draft.place,
            r.draft.lat,
            r.draft.lon,
            r.draft.description,
            r.created_at.isoformat(),
        )
        for r in world.reports
        if r.author == me
    ]


def _signatures(world: World, me: int) -> list[Row]:
    return [
        MySignature(
            p.code,
            p.draft.title,
            p.life,
            p.life in FILED,
            s.full_name,
            masked(unseal(s.sealed_cin)),
            s.at.isoformat(),
        )
        for p in world.petitions
        for s in p.signatures
        if s.resident_id == me
    ]


def _supports(world: World, me: int) -> list[Row]:
    return [
        MySupport(r.ref, r.supporters[me].isoformat()) for r in world.reports if me in r.supporters
    ]


def _consents(world: World, me: int) -> list[Row]:
    return [
        MyConsent(kind, version, channel, at.isoformat())
        for who, kind, version, channel, at in world.consents
        if who == me
    ]


def _groups(world: World, me: int) -> list[Row]:
    return [
        MyGroup(g.commune_code, g.kind, g.name, world.members[g.id][me].isoformat())
        for g in world.groups
        if me in world.members.get(g.id, {})
    ]


def _answers(world: World, me: int) -> list[Row]:
    return [
        MyAnswer(m.draft.title, m.draft.starts_at.isoformat(), m.answers[me], None)
        for m in world.meetings
        if me in m.answers
    ]


# The sections memory keeps, the profile first as storage gives it.
SECTIONS: dict[str, Callable[[World, int], list[Row]]] = {
    PROFILE: _account,
    REPORTS: _reports,
    SIGNATURES: _signatures,
    SUPPORTS: _supports,
    CONSENTS: _consents,
    GROUPS: _groups,
    RSVPS: _answers,
}


class MemoryRights:
    def __init__(self, here: Here) -> None:
        self.here = here

    async def my_data(self) -> PersonalData:
        world, me = self.here.world, self.here.me
        return PersonalData(tuple((name, tuple(of(world, me))) for name, of in SECTIONS.items()))

    async def erase_me(self) -> None:
        world, me = self.here.world, self.here.me
        _erase_civic(world, me)
        for members in world.members.values():
            members.pop(me, None)
        for meeting in world.meetings:
            meeting.answers.pop(me, None)
        for commitment in world.commitments:
            commitment.followers.pop(me, None)
        world.consents = [c for c in world.consents if c[0] != me]
        world.questions = [q for q in world.questions if q.resident_id != me]
        for question in world.questions:
            question.claimed_by = None if question.claimed_by == me else question.claimed_by
            question.answered_by = None if question.answered_by == me else question.answered_by
        world.scopes = [s for s in world.scopes if s[0] != me]
        world.audit = [(None, *entry[1:]) if entry[0] == me else entry for entry in world.audit]
        del world.by_address[self.here.address]
        del world.residents[me]
        world.states.pop(me, None)
        self.here.erased = True


def _erase_civic(world: World, me: int) -> None:
    """A resident's reports and signatures: unlinked where the count must stay (a report, a
    filed petition's signature), gone otherwise."""
    for report in world.reports:
        report.supporters.pop(me, None)
        if report.author == me:
            report.author = None
    for petition in world.petitions:
        if petition.life in FILED:
            for signature in petition.signatures:
                if signature.resident_id == me:
                    signature.resident_id = None
        else:
            petition.signatures = [s for s in petition.signatures if s.resident_id != me]
