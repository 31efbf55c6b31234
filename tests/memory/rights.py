"""`Rights` in memory: the resident's rows, and their erasure with what the law keeps."""

from __future__ import annotations

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
from conversations.petition import Life
from tests.memory.here import Here, unseal
from tests.memory.world import World

FILED = frozenset({Life.FILED, Life.ACCEPTED, Life.REJECTED, Life.ANSWERED})


def _masked(cin: str) -> str:
    return cin[:2] + "••••" + cin[-2:]


def _sections(world: World, me: int) -> dict[str, list[Row]]:
    resident = world.residents[me]
    account = MyAccount(
        resident.address.channel,
        resident.address.user,
        resident.language,
        resident.commune_code,
        resident.consent_version,
        None,
        resident.pushes_enabled,
        True,
        resident.created_at.isoformat(),
    )
    return {
        PROFILE: [account],
        REPORTS: [
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
        ],
        SIGNATURES: [
            MySignature(
                p.code,
                p.draft.title,
                p.life,
                p.life in FILED,
                s.full_name,
                _masked(unseal(s.sealed_cin)),
                s.at.isoformat(),
            )
            for p in world.petitions
            for s in p.signatures
            if s.resident_id == me
        ],
        SUPPORTS: [
            MySupport(r.ref, r.supporters[me].isoformat())
            for r in world.reports
            if me in r.supporters
        ],
        CONSENTS: [
            MyConsent(kind, version, channel, at.isoformat())
            for who, kind, version, channel, at in world.consents
            if who == me
        ],
        GROUPS: [
            MyGroup(g.commune_code, g.kind, g.name, world.members[g.id][me].isoformat())
            for g in world.groups
            if me in world.members.get(g.id, {})
        ],
        RSVPS: [
            MyAnswer(m.draft.title, m.draft.starts_at.isoformat(), m.answers[me], None)
            for m in world.meetings
            if me in m.answers
        ],
    }


class MemoryRights:
    def __init__(self, here: Here) -> None:
        self.here = here

    async def my_data(self) -> PersonalData:
        sections = _sections(self.here.world, self.here.me)
        return PersonalData(tuple((name, tuple(rows)) for name, rows in sections.items()))

    async def erase_me(self) -> None:
        world, me = self.here.world, self.here.me
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
        for members in world.members.values():
            members.pop(me, None)
        for meeting in world.meetings:
            meeting.answers.pop(me, None)
        world.consents = [c for c in world.consents if c[0] != me]
        world.scopes = [s for s in world.scopes if s[0] != me]
        world.audit = [(None, *entry[1:]) if entry[0] == me else entry for entry in world.audit]
        del world.by_address[self.here.address]
        del world.residents[me]
        world.states.pop(me, None)
        self.here.erased = True
