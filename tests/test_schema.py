"""The migrations build exactly the tables the models describe, on SQLite and PostgreSQL, from
an empty database or from one left at any earlier revision, and carry the rows already there
over."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, column, insert, select, table

from storage.database import Database
from storage.deliveries import DeliveryOutcome, DeliveryQueue, DeliveryStatus, Priority
from storage.migrate import config
from storage.models import DELIVERY, Base, UTCDateTime
from tests.support.postgres import throwaway


async def test_migrations_match_the_models(db: Database) -> None:
    async with db.transaction() as tx:
        diff = await tx.run(
            lambda conn: compare_metadata(MigrationContext.configure(conn), Base.metadata)
        )
    assert diff == []


@pytest.fixture(params=["sqlite", "postgresql"])
async def empty(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    """A database with no schema yet, once on each backend."""
    if request.param == "sqlite":
        database = Database.open(f"sqlite:///{tmp_path / 'old.db'}")
        yield database
        await database.close()
        return
    request.getfixturevalue("pg_database")  # reachable, or failed under CI=true
    async with throwaway("hayna_old") as url:
        database = Database.open(url)
        try:
            yield database
        finally:
            await database.close()


_VERSION = table("alembic_version", column("version_num"))
# Oldest first: a database may have been left at any of them by an older Hayna.
REVISIONS = [
    script.revision
    for script in reversed(list(ScriptDirectory.from_config(config()).walk_revisions()))
]


def _from_each_revision(conn: Connection) -> dict[str, list[object]]:
    """Step from the empty database through every revision; from each, upgrade to the newest
    inside a savepoint, compare with the models, and roll back to that revision: one run of the
    chain rather than one per revision. The differences found, by starting revision."""
    found: dict[str, list[object]] = {}
    for revision in REVISIONS:
        command.upgrade(config(conn), revision)
        assert conn.execute(select(_VERSION.c.version_num)).scalar_one() == revision
        attempt = conn.begin_nested()
        command.upgrade(config(conn), "head")
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        attempt.rollback()
        if diff:
            found[revision] = diff
    return found


def test_the_revisions_are_found() -> None:
    assert REVISIONS[0] == "0001" and len(REVISIONS) >= 23, REVISIONS


async def test_a_database_left_at_any_revision_upgrades_to_the_models(empty: Database) -> None:
    async with empty.transaction() as tx:
        assert await tx.run(_from_each_revision) == {}


# The tables as revision 0008 left them, as far as this test writes them.
_RESIDENT = table(
    "resident",
    column("id"),
    column("channel"),
    column("user_id"),
    column("pushes_enabled"),
    column("created_at", UTCDateTime()),
)
_ANNOUNCEMENT = table(
    "announcement",
    *map(column, ("id", "kind", "body", "commune_code", "group_ids", "status", "cursor")),
    *map(column, ("recipients", "created_by")),
    column("due_at", UTCDateTime()),
    column("created_at", UTCDateTime()),
)
_DELIVERY = table(
    "delivery",
    *map(column, ("message_key", "resident_id", "body", "status", "attempts")),
    column("next_attempt_at", UTCDateTime()),
    column("created_at", UTCDateTime()),
)


async def test_deliveries_queued_before_0009_get_their_channel_and_priority(
    empty: Database,
) -> None:
    at = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
    async with empty.transaction() as tx:
        await tx.run(lambda conn: command.upgrade(config(conn), "0008"))
    people = [(1, "whatsapp", "w"), (2, "telegram", "t")]
    planned = [(1, "broadcast"), (2, "reminder")]
    queued = [("announcement:1", 2), ("announcement:2", 1), ("report-event:1", 1)]

    def fill(conn: Connection) -> None:
        conn.execute(
            insert(_RESIDENT),
            [
                {"id": i, "channel": c, "user_id": u, "pushes_enabled": True, "created_at": at}
                for i, c, u in people
            ],
        )
        announced = {"body": "{}", "commune_code": "c", "group_ids": "", "status": "done"}
        announced |= {"cursor": 2, "recipients": 2, "created_by": "o"}
        conn.execute(
            insert(_ANNOUNCEMENT),
            [{"id": i, "kind": k, "due_at": at, "created_at": at, **announced} for i, k in planned],
        )
        waiting = {"body": "{}", "status": "pending", "attempts": 0}
        conn.execute(
            insert(_DELIVERY),
            [
                {"message_key": k, "resident_id": r, "next_attempt_at": at, "created_at": at}
                | waiting
                for k, r in queued
            ],
        )

    async with empty.transaction() as tx:
        await tx.run(fill)
    await empty.upgrade()

    query = select(DELIVERY.c.id, DELIVERY.c.message_key, DELIVERY.c.channel, DELIVERY.c.priority)
    async with empty.transaction() as tx:
        rows = await tx.run(lambda conn: conn.execute(query).all())
    assert {tuple(row[1:]) for row in rows} == {
        ("announcement:1", "telegram", Priority.BULK),
        ("announcement:2", "whatsapp", Priority.MEETING),
        ("report-event:1", "whatsapp", Priority.PERSONAL),
    }
    keys = {row.id: row.message_key for row in rows}
    queue = DeliveryQueue(empty)
    # One WhatsApp resident: their personal notice first, then, once it is sent, the meeting's.
    order = []
    while claimed := await queue.claim(at, "whatsapp", 10):
        order += [keys[due.id] for due in claimed]
        await queue.record([DeliveryOutcome(due, DeliveryStatus.SENT, at) for due in claimed])
    assert order == ["report-event:1", "announcement:2"]
