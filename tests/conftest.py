"""Shared fixtures: databases on SQLite and PostgreSQL, the engine, a fake resident."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import asyncpg
import httpx
import pytest

from bot.app import build_engine
from conversations.engine import Engine
from handlers.telegram.channel import TelegramChannel
from storage.database import Database
from storage.gazetteer import Gazetteer
from tests.fake_telegram import FakeTelegram
from tests.fake_twilio import running
from tests.resident import FakeResident
from tests.support.browser import clean_screenshots
from tests.support.clock import Clock
from tests.support.dialog import CHANNELS, resident_on
from tests.support.postgres import (
    IN_CI,
    PG_ADMIN_DB,
    PG_HOST,
    PG_PORT,
    PG_USER,
    drop_later,
    empty,
    pg_reachable,
)
from tests.support.sqlite import copied, upgraded
from tests.support.telegram import serving
from tests.support.tls import one_tls_context
from tests.support.tmpfs import use_tmpfs
from tests.support.users import User
from tests.support.vault import VAULT
from tests.whatsapp_phone import WhatsApp, whatsapp

T = TypeVar("T")


def _blocking(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion from sync code, even inside a running event loop."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def pytest_configure(config: pytest.Config) -> None:
    # Before pytest makes its temporary folders; xdist's workers inherit the environment.
    use_tmpfs()
    # Once per run, before any worker starts: a module's tests may run on both workers.
    if not hasattr(config, "workerinput"):
        clean_screenshots()


@pytest.fixture(scope="session", autouse=True)
def shared_tls_context() -> Iterator[None]:
    with one_tls_context():
        yield


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
    problem = _blocking(pg_reachable())
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
    # A throw-away database: a commit need not wait for its WAL to reach the disk (a crash of
    # the server would lose the last commits, never corrupt anything; the tests never crash it).
    _blocking(admin(f'ALTER DATABASE "{name}" SET synchronous_commit = off'))
    url = f"postgresql://{PG_USER}@{PG_HOST}:{PG_PORT}/{name}"

    async def upgrade() -> None:
        db = Database.open(url)
        await db.upgrade()
        await db.close()

    _blocking(upgrade())
    yield url
    drop_later(name)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SQLite database upgraded to the newest schema, once per test process: each test that
    needs a new one gets a copy (tests/test_schema.py runs the migrations themselves)."""
    return _blocking(upgraded(tmp_path_factory.mktemp("template") / "hayna.db"))


@pytest.fixture(params=["sqlite", "postgresql"])
async def db(
    request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path
) -> AsyncIterator[Database]:
    """The database, once on each backend."""
    if request.param == "sqlite":
        database = copied(sqlite_template, tmp_path / "hayna.db")
    else:
        url = request.getfixturevalue("pg_database")
        await empty(url)
        database = Database.open(url)
    yield database
    await database.close()


@pytest.fixture
async def sqlite_db(tmp_path: Path, sqlite_template: Path) -> AsyncIterator[Database]:
    """SQLite only, for dialog tests that are about conversations, not storage."""
    database = copied(sqlite_template, tmp_path / "hayna.db")
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


@pytest.fixture
async def served(
    db: Database, gazetteer: Gazetteer, clock: Clock, fake_telegram: FakeTelegram
) -> AsyncIterator[tuple[httpx.AsyncClient, TelegramChannel]]:
    """The web app serving the Telegram webhook on ``db``, and a client posting to it."""
    async with serving(db, gazetteer, clock, fake_telegram) as both:
        yield both


@pytest.fixture
async def chat(db: Database, gazetteer: Gazetteer, clock: Clock) -> AsyncIterator[WhatsApp]:
    """WhatsApp as Twilio relays it (a fake Twilio on 127.0.0.1) to the app on ``db``."""
    async with running() as fake, whatsapp(fake, db, gazetteer, clock) as chat:
        yield chat


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Chromium for a module of browser tests (tests/support/browser.py)."""
    from tests.support.dashboard_site import open_browser

    yield from open_browser()


@pytest.fixture(scope="module")
def page(site: Any, browser: Any) -> Iterator[Any]:
    """An organizer's browser signed in to the module's ``site`` by the link its chat printed."""
    from tests.support.dashboard_site import signed_page

    yield from signed_page(site, browser)


@pytest.fixture(params=CHANNELS)
async def user(
    request: pytest.FixtureRequest, sqlite_db: Database, gazetteer: Gazetteer, clock: Clock
) -> AsyncIterator[User]:
    """The resident, on each channel in turn (the terminal, Telegram, WhatsApp)."""
    telegram = request.getfixturevalue("fake_telegram") if request.param == "telegram" else None
    async with resident_on(request.param, sqlite_db, gazetteer, clock, telegram) as user:
        assert isinstance(user, User)
        yield user
