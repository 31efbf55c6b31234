"""The petitions desk on SQLite and PostgreSQL: the scope's list with the command line's counts,
another commune's petition refused on every call and audited, the rules of
conversations/petition_rules.py kept, the signature curve, the filing's files the same as the
command line's, and a page costing the same statements for 3 or 100 signatures."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from sqlalchemy import select

from conversations.desk import Done, Outcome
from conversations.petition import PetitionDraft, PetitionLife
from conversations.petition_desk import FilingKind, PetitionPage
from conversations.petition_rules import PetitionField, PetitionRefusal, PetitionWhy
from storage import petitions
from storage.database import Database
from storage.filing import written
from storage.gazetteer import Gazetteer
from storage.models import RESIDENT
from storage.operator import Operator
from tests.support.announcements import add_residents
from tests.support.clock import Clock
from tests.support.deliveries import add_resident
from tests.support.desk import (
    AGADIR,
    TIZNIT,
    board,
    counted,
    make_organizer,
    refused_tries,
    signed_in,
)
from tests.support.petitions import open_petition
from tests.support.vault import VAULT

MOVES = (
    PetitionLife.OPEN,
    PetitionLife.FILED,
    PetitionLife.ACCEPTED,
    PetitionLife.REJECTED,
    PetitionLife.ANSWERED,
    PetitionLife.CLOSED,
)


async def organizer(db: Database, clock: Clock, commune: str = AGADIR):
    resident_id = await add_resident(db, clock, "org", "fr")
    await make_organizer(db, clock, resident_id, commune)
    return await signed_in(db, clock, resident_id)


def new(commune: str, clock: Clock, threshold: int = 3) -> PetitionDraft:
    return PetitionDraft(
        commune,
        "Éclairage du boulevard",
        "Des lampadaires pour le boulevard",
        "Nous demandons l'éclairage.",
        "Installer 20 lampadaires.",
        "Fatima Zahra",
        threshold,
        (clock() + timedelta(days=30)).date(),
    )


async def sign(db: Database, clock: Clock, code: str, count: int, prefix: str) -> None:
    """``count`` new residents sign, one an hour."""
    await add_residents(db, clock, count, AGADIR, prefix=prefix)
    async with db.transaction() as tx:
        ids = await tx.run(
            lambda conn: (
                conn.execute(select(RESIDENT.c.id).where(RESIDENT.c.user_id.like(f"{prefix}%")))
                .scalars()
                .all()
            )
        )
    for n, resident_id in enumerate(ids):
        cin = f"AB{100000 + resident_id}"
        async with db.transaction() as tx:
            await tx.run(
                petitions.sign,
                code,
                resident_id,
                f"Signataire {n}",
                VAULT.key(cin),
                VAULT.seal(cin),
                clock(),
            )
        clock.advance(hours=1)


async def test_the_list_is_the_scopes_with_the_command_lines_counts(
    db: Database, gazetteer: Gazetteer, clock: Clock
) -> None:
    who = await organizer(db, clock)
    desk = board(db, gazetteer, clock).petitions
    older = await open_petition(db, clock, AGADIR, threshold=10)
    await open_petition(db, clock, TIZNIT)
    clock.advance(minutes=5)
    drafted = await desk.draft(who, new(AGADIR, clock))
    assert isinstance(drafted, str) and drafted not in Done.__members__.values()
    await sign(db, clock, older, 4, "s")

    lines = await desk.petitions(who, None)
    assert [(p.code, p.life) for p in lines] == [
        (drafted, PetitionLife.DRAFT),
        (older, PetitionLife.OPEN),
    ]
    async with db.transaction() as tx:
        cli = await tx.run(petitions.listing, AGADIR, None)
    assert [(p.code, p.signatures, p.threshold) for p in lines] == [
        (row.code, row.signatures, row.threshold) for row in cli
    ]
    # Its last day is 30 days ahead, and today is started: 31 days to sign, today included.
    assert lines[1].signatures == 4 and lines[1].days_left == 31
    assert [p.code for p in await desk.petitions(who, PetitionLife.DRAFT)] == [drafted]


async def test_another_communes_petition_is_refused_on_every_call_and_audited(
    db: Database, gazetteer: Gazetteer, clock: Clock
) -> None:
    who = await organizer(db, clock)
    desk = board(db, gazetteer, clock).petitions
    theirs = await open_petition(db, clock, TIZNIT)

    assert await desk.petition(who, theirs) is Done.REFUSED
    for life in MOVES:
        assert await desk.move(who, theirs, life, "des raisons") == Outcome(Done.REFUSED)
    assert await desk.filing(who, theirs, FilingKind.CSV) is Done.REFUSED
    assert await desk.draft(who, new(TIZNIT, clock)) is Done.REFUSED
    assert await desk.petition(who, "ZZZZZZ") is Done.MISSING

    actor = f"console resident {who.resident_id}"
    tries = [try_ for try_ in await refused_tries(db) if try_[0] == actor]
    assert tries == [
        (actor, "see_petition", theirs),
        *((actor, f"{life}_petition", theirs) for life in MOVES),
        (actor, "export_petition", theirs),
        (actor, "draft_petition", "Éclairage du boulevard"),
        (actor, "see_petition", "ZZZZZZ"),
    ]
    async with db.transaction() as tx:
        assert await tx.run(petitions.status, theirs) is PetitionLife.OPEN
        assert [row.commune_code for row in await tx.run(petitions.listing, None, None)] == [TIZNIT]


async def test_the_rules_are_the_command_lines(
    db: Database, gazetteer: Gazetteer, clock: Clock
) -> None:
    who = await organizer(db, clock)
    desk = board(db, gazetteer, clock).petitions
    too_long = await desk.draft(who, replace(new(AGADIR, clock), title="x" * 121))
    assert too_long == PetitionRefusal(
        PetitionWhy.FIELD_LENGTH, field=PetitionField.TITLE, length=121
    )
    code = await desk.draft(who, new(AGADIR, clock, threshold=2))
    assert isinstance(code, str)
    assert await desk.filing(who, code, FilingKind.PDF) is Done.MISSING  # a draft has none
    assert await desk.move(who, code, PetitionLife.FILED, "") == Outcome(
        Done.INVALID, why="not_a_move"
    )
    assert (await desk.move(who, code, PetitionLife.OPEN, "")).done is Done.DONE
    await sign(db, clock, code, 2, "s")
    page = await desk.petition(who, code)
    assert isinstance(page, PetitionPage)
    assert page.line.life is PetitionLife.THRESHOLD_REACHED
    assert page.moves == (PetitionLife.FILED, PetitionLife.CLOSED)
    assert await desk.move(who, code, PetitionLife.FILED, "") == Outcome(
        Done.INVALID, why="no_receipt"
    )
    assert await desk.move(who, code, PetitionLife.FILED, "", "R-1") == Outcome(Done.DONE, told=2)
    assert await desk.move(who, code, PetitionLife.REJECTED, "  ") == Outcome(
        Done.INVALID, why="no_reasons"
    )
    assert await desk.move(who, code.lower(), PetitionLife.REJECTED, "Hors compétence") == (
        Outcome(Done.DONE, told=2)
    )
    page = await desk.petition(who, code)
    assert isinstance(page, PetitionPage)
    assert [(m.life, m.note) for m in page.history] == [
        (PetitionLife.DRAFT, ""),
        (PetitionLife.OPEN, ""),
        (PetitionLife.THRESHOLD_REACHED, ""),
        (PetitionLife.FILED, ""),
        (PetitionLife.REJECTED, "Hors compétence"),
    ]
    assert {m.actor for m in page.history} == {"threshold", f"console resident {who.resident_id}"}
    assert page.moves == (PetitionLife.ANSWERED,)


async def test_the_curve_counts_signatures_by_moroccan_day(
    db: Database, gazetteer: Gazetteer, clock: Clock
) -> None:
    who = await organizer(db, clock)
    code = await open_petition(db, clock, AGADIR, threshold=50)
    # One an hour from 09:00 UTC on 22 November to 06:00 UTC on the 23rd (07:00 in Morocco).
    await sign(db, clock, code, 22, "a")
    clock.advance(days=2)
    await sign(db, clock, code, 3, "b")
    page = await board(db, gazetteer, clock).petitions.petition(who, code)
    assert isinstance(page, PetitionPage)
    # 22:00 UTC is 23:00 in Morocco (UTC+1): the 22nd holds 09:00 to 22:00 UTC, 14 signatures.
    assert page.curve == (
        (date(2026, 11, 22), 14),
        (date(2026, 11, 23), 22),
        (date(2026, 11, 25), 25),
    )
    assert page.line.signatures == 25


async def test_the_files_are_the_command_lines_bytes(
    db: Database, gazetteer: Gazetteer, clock: Clock
) -> None:
    who = await organizer(db, clock)
    code = await open_petition(db, clock, AGADIR, threshold=50)
    await sign(db, clock, code, 3, "s")
    desk = board(db, gazetteer, clock).petitions
    for kind in FilingKind:
        got = await desk.filing(who, code, kind)
        assert not isinstance(got, Done)
        # What `hayna petitions export` does: the operator's filing, written at its moment.
        async with db.transaction() as tx:
            operator = Operator.at_terminal(tx, "admin", clock())
            found = await operator.petition_filing(code, VAULT, gazetteer)
        assert found is not None and len(found.signatories) == 3
        assert got.data == written(found, kind, clock())
        assert got.filename == f"petition-{code}.{kind}"
    assert got.data.startswith(b"%PDF") and got.content_type == "application/pdf"


async def test_a_page_costs_the_same_statements_for_3_or_100_signatures(
    sqlite_db: Database, gazetteer: Gazetteer, clock: Clock
) -> None:
    db = sqlite_db
    who = await organizer(db, clock)
    desk = board(db, gazetteer, clock).petitions
    few = await open_petition(db, clock, AGADIR, threshold=500)
    many = await open_petition(db, clock, AGADIR, threshold=500)
    await sign(db, clock, few, 3, "f")
    await sign(db, clock, many, 100, "m")

    async def seen(code: str) -> None:
        page = await desk.petition(who, code)
        assert isinstance(page, PetitionPage)

    assert await counted(db, lambda: seen(few)) == await counted(db, lambda: seen(many))
    statements = await counted(db, lambda: seen(many))
    # The scope, the petition's commune, the petition with its count, its history, its curve.
    assert statements <= 8, statements
