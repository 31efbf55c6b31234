"""The store every contract test runs on: in memory, on SQLite and on PostgreSQL, with the
same organizers (two admins) and the same clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from conversations.seams import ConversationStore
from storage.database import Database
from storage.gazetteer import Gazetteer
from storage.store import SqlStore
from tests.memory.store import MemoryStore
from tests.support.clock import Clock
from tests.support.contracts import ADMIN, DEPUTY
from tests.support.postgres import empty
from tests.support.sqlite import copied
from tests.support.vault import VAULT


@pytest.fixture(params=["memory", "sqlite", "postgresql"])
async def store(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    clock: Clock,
    gazetteer: Gazetteer,
    sqlite_template: Path,
) -> AsyncIterator[ConversationStore]:
    """The same seams, once per implementation."""
    admins = frozenset({ADMIN, DEPUTY})
    if request.param == "memory":
        yield MemoryStore(clock, admins)
        return
    if request.param == "sqlite":
        db = copied(sqlite_template, tmp_path / "hayna.db")
    else:
        url = request.getfixturevalue("pg_database")
        await empty(url)
        db = Database.open(url)
    yield SqlStore(db, gazetteer, VAULT, clock, admins)
    await db.close()
