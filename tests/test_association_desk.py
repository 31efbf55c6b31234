"""An association's petition on the dashboard's desk, on SQLite and PostgreSQL: its list line and
page (the association, its declaration and the years since, its supports day by day, its
checklist), ticking audited and refused outside the organizer's communes, filing offered only
once every item is ticked, and the associations a petition may be drafted for."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlalchemy import select

from conversations.association import CheckItem, Checklist
from conversations.desk import Done, Outcome
from conversations.groups import GroupKind
from conversations.petition import PetitionKind, PetitionLife
from conversations.petition_desk import PetitionPage
from conversations.petition_rules import PetitionRefusal, PetitionWhy
from storage import groups, petitions
from storage.database import Database
from storage.gazetteer import Gazetteer
from storage.models import AUDIT_ENTRY
from tests.support.clock import Clock
from tests.support.deliveries import add_resident
from tests.support.desk import AGADIR, TIZNIT, board, organizer
from tests.support.petitions import ASSOCIATION, open_association_petition

# Six years asked for, five since the declaration (tests/support/petitions.py): a warning.
TWO = Checklist((CheckItem.EXISTENCE, CheckItem.STATUTES), years=6)


async def audit_of(db: Database, actor: str) -> list[tuple[str, str, bool]]:
    """(action, target, allowed) of ``actor``'s entries in the audit log, oldest first."""
    async with db.transaction() as tx:
        rows = await tx.run(
            lambda conn: conn.execute(
                select(AUDIT_ENTRY.c.action, AUDIT_ENTRY.c.target, AUDIT_ENTRY.c.allowed)
                .where(AUDIT_ENTRY.c.actor == actor)
                .order_by(AUDIT_ENTRY.c.id)
            ).all()
        )
    return [(r.action, r.target, r.allowed) for r in rows]


async def test_the_page_shows_the_association_its_years_and_its_supports_day_by_day(
    db: Database, gazetteer: Gazetteer, clock: Clock
) -> None:
    _, who = await organizer(db, clock)
    code = await open_association_petition(db, clock, AGADIR, TWO)
    for user in ("amina", "said"):
        resident = await add_resident(db, clock, user, "fr")
        async with db.transaction() as tx:
            await tx.run(petitions.support, code, resident, clock())
        clock.advance(days=1)
    desk = board(db, gazetteer, clock).petitions

    [line] = await desk.petitions(who, None)
    assert (line.kind, line.association, line.signatures, line.threshold) == (
        PetitionKind.ASSOCIATION,
        ASSOCIATION,
        2,
        0,
    )
    page = await desk.petition(who, code)
    assert isinstance(page, PetitionPage)
    assert page.declared_years == 5 and page.declared_on is not None
    assert [(check.item, check.years, check.ticked) for check in page.checklist] == [
        (CheckItem.EXISTENCE, 6, False),
        (CheckItem.STATUTES, 6, False),
    ]
    existence, statutes = page.checklist
    assert page.short_of_years(existence) and not page.short_of_years(statutes)
    # Supports, not signatures, day by day: one on the 22nd, the second on the 23rd.
    assert page.curve == ((date(2026, 11, 22), 1), (date(2026, 11, 23), 2))
    assert page.paper == 0
    # Its life lets it be filed from open; the page offers it once the checklist is ticked.
    assert page.moves == (PetitionLife.FILED, PetitionLife.CLOSED)
    assert page.offered == (PetitionLife.CLOSED,) and page.checkable


async def test_ticking_is_audited_refused_elsewhere_and_gates_filing(
    db: Database, gazetteer: Gazetteer, clock: Clock
) -> None:
    _, who = await organizer(db, clock)
    _, stranger = await organizer(db, clock, "stranger", TIZNIT)
    code = await open_association_petition(db, clock, AGADIR, TWO)
    desk = board(db, gazetteer, clock).petitions

    assert await desk.move(who, code, PetitionLife.FILED, "", "R-1") == Outcome(
        Done.INVALID, why="checklist_incomplete"
    )
    assert await desk.tick(who, code, CheckItem.EXISTENCE, True) == Outcome(Done.DONE)
    assert await desk.tick(who, code, CheckItem.SEAT, True) == Outcome(
        Done.INVALID, why="not_on_checklist"
    )
    for ticked in (False, True):
        assert await desk.tick(stranger, code, CheckItem.STATUTES, ticked) == Outcome(Done.REFUSED)
    assert await desk.tick(who, "ZZZZZZ", CheckItem.STATUTES, True) == Outcome(Done.MISSING)
    page = await desk.petition(who, code)
    assert isinstance(page, PetitionPage)
    actor = f"console resident {who.resident_id}"
    assert [(c.item, c.ticked_by, c.ticked_at) for c in page.checklist] == [
        (CheckItem.EXISTENCE, actor, clock()),
        (CheckItem.STATUTES, "", None),
    ]
    assert PetitionLife.FILED not in page.offered

    clock.advance(minutes=3)
    assert await desk.tick(who, code, CheckItem.STATUTES, True) == Outcome(Done.DONE)
    page = await desk.petition(who, code)
    assert isinstance(page, PetitionPage) and page.offered == page.moves
    assert await desk.move(who, code, PetitionLife.FILED, "", "R-1") == Outcome(Done.DONE)
    # Filed: the checklist stays as the commune received it.
    assert await desk.tick(who, code, CheckItem.STATUTES, False) == Outcome(
        Done.INVALID, why="not_a_move"
    )
    page = await desk.petition(who, code)
    assert isinstance(page, PetitionPage) and not page.checkable and not page.unticked

    assert await audit_of(db, actor) == [
        ("filed_petition", code, False),
        ("check_petition", f"{code} +existence", True),
        ("check_petition", f"{code} +seat", False),
        ("check_petition", "ZZZZZZ", False),
        ("check_petition", f"{code} +statutes", True),
        ("filed_petition", code, True),
        ("check_petition", f"{code} -statutes", False),
    ]
    assert await audit_of(db, f"console resident {stranger.resident_id}") == [
        ("check_petition", code, False),
        ("check_petition", code, False),
    ]


async def test_associations_offered_are_the_communes_and_drafting_checks_them(
    db: Database, gazetteer: Gazetteer, clock: Clock
) -> None:
    _, who = await organizer(db, clock)
    async with db.transaction() as tx:
        mine = await tx.run(
            groups.create_group, AGADIR, GroupKind.ASSOCIATION, "Tilila", "org", clock()
        )
        await tx.run(groups.create_group, AGADIR, GroupKind.NEIGHBOURHOOD, "Dakhla", "org", clock())
        theirs = await tx.run(
            groups.create_group, TIZNIT, GroupKind.ASSOCIATION, "Amal", "org", clock()
        )
    desk = board(db, gazetteer, clock).petitions
    assert [(g.id, g.name, g.commune_code) for g in await desk.associations(who)] == [
        (mine, "Tilila", AGADIR)
    ]
    code = await open_association_petition(db, clock, TIZNIT)
    async with db.transaction() as tx:
        record = await tx.run(petitions.record, code)
    draft = replace(record.text, commune_code=AGADIR, association_id=theirs)
    assert await desk.draft(who, draft) == PetitionRefusal(PetitionWhy.NO_ASSOCIATION)
    drafted = await desk.draft(who, replace(draft, association_id=mine))
    assert isinstance(drafted, str)
    page = await desk.petition(who, drafted)
    assert isinstance(page, PetitionPage)
    assert (page.line.association, page.line.threshold) == ("Tilila", 0)
    # The deployment's checklist: every item, the commonly cited three years.
    assert [check.item for check in page.checklist] == list(CheckItem)
