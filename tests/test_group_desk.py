"""The dashboard's groups page on SQLite and PostgreSQL: an organizer's groups with their members,
new groups and invite codes within the scope only (refused and audited elsewhere, as on the
command line), and the audit log of the scope's organizers only."""

from __future__ import annotations

from conversations.desk import Done
from conversations.groups import GroupKind
from storage import groups
from storage.database import Database
from storage.gazetteer import Gazetteer
from tests.support.clock import Clock
from tests.support.deliveries import add_resident
from tests.support.desk import AGADIR, TIZNIT, board, organizer, refused_tries


async def test_groups_are_listed_with_members_and_made_within_the_scope(
    db: Database, gazetteer: Gazetteer, clock: Clock
) -> None:
    desk = board(db, gazetteer, clock).groups
    _, who = await organizer(db, clock)
    made = await desk.create_group(who, AGADIR, GroupKind.ASSOCIATION, "  Amal Dakhla  ")
    assert isinstance(made, int)
    neighbour = await add_resident(db, clock, "neighbour", "fr")
    async with db.transaction() as tx:
        await tx.run(groups.join, made, neighbour, clock())
        await tx.run(groups.ensure_built_in, TIZNIT, clock())
    found = await desk.groups(who)
    assert found.communes == (AGADIR,)
    named = {line.group.name: line.members for line in found.lines}
    assert named == {"Amal Dakhla": 1}, "another commune's groups are not listed"
    assert await desk.create_group(who, TIZNIT, GroupKind.ASSOCIATION, "Ailleurs") is Done.REFUSED
    assert await desk.create_group(who, AGADIR, GroupKind.ASSOCIATION, " ") is Done.INVALID
    assert await desk.create_group(who, AGADIR, GroupKind.ASSOCIATION, "x" * 81) is Done.INVALID
    refused = [(action, target) for _, action, target in await refused_tries(db)]
    assert refused == [
        ("create_group", "Ailleurs"),
        ("create_group", " "),
        ("create_group", "x" * 64),
    ]
    assert {line.group.name for line in (await desk.groups(who)).lines} == {"Amal Dakhla"}


async def test_an_invite_code_made_on_the_dashboard_makes_an_organizer_of_its_group(
    db: Database, gazetteer: Gazetteer, clock: Clock
) -> None:
    desk = board(db, gazetteer, clock).groups
    _, who = await organizer(db, clock)
    group = await desk.create_group(who, AGADIR, GroupKind.NEIGHBOURHOOD, "Hay Dakhla")
    assert isinstance(group, int)
    invited = await desk.invite(who, AGADIR, group)
    assert not isinstance(invited, Done) and len(invited.code) >= 8
    newcomer = await add_resident(db, clock, "newcomer", "ar")
    async with db.transaction() as tx:
        await tx.run(groups.redeem, invited.code, newcomer, clock())
        scope = await tx.run(groups.scope_of, newcomer)
    assert scope.groups == frozenset({group}) and not scope.communes
    assert await desk.invite(who, TIZNIT, None) is Done.REFUSED
    assert ("invite", TIZNIT) in [(a, t) for _, a, t in await refused_tries(db)]


async def test_the_audit_log_shows_the_scope_s_organizers_only(
    db: Database, gazetteer: Gazetteer, clock: Clock
) -> None:
    desk = board(db, gazetteer, clock).groups
    _, mine = await organizer(db, clock, "mine", AGADIR)
    _, colleague = await organizer(db, clock, "colleague", AGADIR)
    _, elsewhere = await organizer(db, clock, "elsewhere", TIZNIT)
    await desk.create_group(colleague, AGADIR, GroupKind.ASSOCIATION, "Tifawin")
    await desk.create_group(elsewhere, TIZNIT, GroupKind.ASSOCIATION, "Loin d'ici")
    await desk.create_group(mine, TIZNIT, GroupKind.ASSOCIATION, "Essai")
    seen = [(line.action, line.target, line.allowed) for line in await desk.audit(mine)]
    assert ("create_group", "Tifawin", True) in seen
    assert ("create_group", "Essai", False) in seen, "their own refused try too"
    assert all(target != "Loin d'ici" for _, target, _ in seen)
