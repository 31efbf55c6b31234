"""The organizers' desk as the dashboard reaches it: its SQL implementations typed as the
seam's Protocols (mypy checks that they fit), organizers made by invite, signed in by link, and
reports filed straight into the database."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import Connection, event, func, select

from bot.channels import CHANNELS
from conversations.board import Board
from conversations.desk import Desk, Opened, Signed, SignIn
from conversations.kit import Address, Media, MediaKind
from conversations.meeting_desk import MeetingDesk
from conversations.organizing import text_limit
from conversations.report import Category, Draft
from storage import groups, reports, sign_in
from storage.database import Database
from storage.desk import SqlBoard, SqlDesk, SqlSignIn
from storage.gazetteer import Gazetteer
from storage.models import AUDIT_ENTRY, DELIVERY
from tests.support.clock import Clock
from tests.support.deliveries import add_resident
from tests.support.organizers import invite
from tests.support.vault import VAULT

AGADIR, TIZNIT = "001.01.01", "581.01.07"
PHOTO = Media(MediaKind.PHOTO, "file-1", "image/jpeg", 2048)
ADMINS = frozenset({Address("console", "admin")})


def board(db: Database, gazetteer: Gazetteer, clock: Clock) -> Board:
    return SqlBoard(db, gazetteer, VAULT, ADMINS, clock, text_limit(CHANNELS))


def desk(db: Database, gazetteer: Gazetteer, clock: Clock) -> Desk:
    return SqlDesk(db, gazetteer, ADMINS, clock)


def meeting_desk(db: Database, gazetteer: Gazetteer, clock: Clock) -> MeetingDesk:
    return board(db, gazetteer, clock).meetings


def signing_in(db: Database, clock: Clock) -> SignIn:
    return SqlSignIn(db, ADMINS, clock)


async def make_organizer(db: Database, clock: Clock, resident_id: int, commune: str) -> None:
    """``resident_id`` redeems an invite to organize ``commune``."""
    code = await invite(db, clock, commune)
    async with db.transaction() as tx:
        await tx.run(groups.redeem, code, resident_id, clock())


async def link(db: Database, clock: Clock, resident_id: int) -> str:
    async with db.transaction() as tx:
        token: str = await tx.run(sign_in.issue, resident_id, clock())
    return token


async def signed_in(db: Database, clock: Clock, resident_id: int) -> Signed:
    """The organizer as the dashboard sees them once they opened a fresh link."""
    doors = signing_in(db, clock)
    opened = await doors.redeem(await link(db, clock, resident_id))
    assert isinstance(opened, Opened), opened
    who = await doors.current(opened.session)
    assert who is not None
    return who


async def organizer(
    db: Database, clock: Clock, user: str = "org", commune: str = AGADIR
) -> tuple[int, Signed]:
    """A resident organizing ``commune``, signed in; (their resident id, who)."""
    resident_id = await add_resident(db, clock, user, "fr")
    await make_organizer(db, clock, resident_id, commune)
    return resident_id, await signed_in(db, clock, resident_id)


def draft(
    commune: str,
    place: str = "Hay Dakhla",
    category: Category = Category.ROADS,
    pin: tuple[float, float] | None = (30.4202, -9.5982),
    description: str = "Un nid-de-poule devant l'école",
) -> Draft:
    lat, lon = pin if pin else (None, None)
    return Draft(category, "", commune, place, lat, lon, description, (PHOTO,))


async def file(db: Database, clock: Clock, resident_id: int, *drafts: Draft) -> list[str]:
    """File each draft at the clock's time, in one transaction; their references."""
    async with db.transaction() as tx:
        return [await tx.run(reports.file, resident_id, each, clock()) for each in drafts]


async def refused_tries(db: Database) -> list[tuple[str, str, str]]:
    """(actor, action, target) of every refused try in the audit log, oldest first."""

    def read(conn: Connection) -> list[tuple[str, str, str]]:
        rows = conn.execute(
            select(AUDIT_ENTRY.c.actor, AUDIT_ENTRY.c.action, AUDIT_ENTRY.c.target)
            .where(AUDIT_ENTRY.c.allowed.is_(False))
            .order_by(AUDIT_ENTRY.c.id)
        )
        return [(r.actor, r.action, r.target) for r in rows]

    async with db.transaction() as tx:
        return await tx.run(read)


async def deliveries(db: Database) -> int:
    async with db.transaction() as tx:
        count: int = await tx.run(
            lambda conn: conn.execute(select(func.count()).select_from(DELIVERY)).scalar_one()
        )
    return count


async def counted(db: Database, act: Callable[[], Awaitable[object]]) -> int:
    """How many SQL statements ``act()`` sends to the database."""
    sent: list[str] = []

    def count(*args: Any) -> None:
        # (connection, cursor, statement, parameters, context, executemany)
        statement = args[2]
        sent.append(statement)

    engine = db._sync  # SQLite's engine: every statement of the process goes through it
    event.listen(engine, "before_cursor_execute", count)
    try:
        await act()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(sent)
