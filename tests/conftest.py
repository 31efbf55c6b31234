"""Shared fixtures: databases on SQLite and PostgreSQL, the engine, a fake resident."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import asyncpg
import pytest

from bot.app import build_engine
from conversations.engine import Engine
from storage.database import Database
from storage.gazetteer import Gazetteer
from storage.models import Base
from storage.vault import Vault
from tests.fake_telegram import FakeTelegram
from tests.resident import FakeResident

T = TypeVar("T")
# One key for the whole test run, as one HAYNA_SECRET_KEY is for a deployment.
VAULT = Vault("test-secret-key-that-is-long-enough-for-hayna")
PG_HOST, PG_PORT, PG_USER, PG_ADMIN_DB = "127.0.0.1", 5432, "postgres", "test"
IN_CI = os.environ.get("CI", "").lower() == "true"


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


async def _pg_reachable() -> str | None:
    try:
        conn = await asyncpg.connect(
            host=PG_HOST, port=PG_PORT, user=PG_USER, database=PG_ADMIN_DB, timeout=3
        )
    except (OSError, asyncpg.PostgresError, TimeoutError) as error:
        return f"PostgreSQL is not reachable at {PG_HOST}:{PG_PORT} ({error})"
    await conn.close()
    return None


def _blocking(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion from sync code, even inside a running event loop."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


@pytest.fixture(scope="session", autouse=True)
def data_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A per-user data folder of the test run's own: a command that runs in this process
    without DATABASE_URL never writes into the real home."""
    folder = tmp_path_factory.mktemp("data")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_DATA_HOME", str(folder))
        yield folder


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A throw-away PostgreSQL database for this test session, upgraded to the newest schema."""
    problem = _blocking(_pg_reachable())
    if problem:
        if IN_CI:
            pytest.fail(f"{problem}; under CI=true the PostgreSQL storage tests must run")
        pytest.skip(problem)
    name = f"hayna_test_{uuid.uuid4().hex[:10]}"

    async def admin(sql: str) -> None:
        conn = await asyncpg.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, database=PG_ADMIN_DB)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    _blocking(admin(f'CREATE DATABASE "{name}"'))
    url = f"postgresql://{PG_USER}@{PG_HOST}:{PG_PORT}/{name}"

    async def upgrade() -> None:
        db = Database.open(url)
        await db.upgrade()
        await db.close()

    _blocking(upgrade())
    yield url
    _blocking(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _truncate(url: str) -> None:
    conn = await asyncpg.connect(url.replace("postgresql://", "postgres://"))
    try:
        # Every table the models define: each test starts from an empty database.
        tables = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
        await conn.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
    finally:
        await conn.close()


@pytest.fixture(params=["sqlite", "postgresql"])
async def db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    """The database, once on each backend."""
    if request.param == "sqlite":
        database = Database.open(f"sqlite:///{tmp_path / 'hayna.db'}")
        await database.upgrade()
    else:
        url = request.getfixturevalue("pg_database")
        await _truncate(url)
        database = Database.open(url)
    yield database
    await database.close()


@pytest.fixture
async def sqlite_db(tmp_path: Path) -> AsyncIterator[Database]:
    """SQLite only, for dialog tests that are about conversations, not storage."""
    database = Database.open(f"sqlite:///{tmp_path / 'hayna.db'}")
    await database.upgrade()
    yield database
    await database.close()


@pytest.fixture(scope="session")
def gazetteer() -> Gazetteer:
    return Gazetteer.load()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def engine(sqlite_db: Database, gazetteer: Gazetteer, clock: Clock) -> Engine:
    return build_engine(sqlite_db, gazetteer, VAULT, clock)


@pytest.fixture
def resident(engine: Engine) -> FakeResident:
    return FakeResident(engine)


@pytest.fixture
def fake_telegram() -> Iterator[FakeTelegram]:
    """A Bot API on loopback; a test fails if any request broke one of Telegram's limits."""
    fake = FakeTelegram().start()
    yield fake
    fake.stop()
    assert not fake.violations, fake.violations
