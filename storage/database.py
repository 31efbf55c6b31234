"""Connections and transactions, chosen per backend as measured (see DESIGN.md §4).

SQLite runs a sync connection inside the event loop: it has one writer anyway, and a thread hop
per statement would cost more than the statement. PostgreSQL runs over asyncpg, each unit of
work entering SQLAlchemy's sync API once through `run_sync`. Store code is written once, as
functions of a sync `Connection`, and runs on both. Statements' values stay out of errors and
logs: they hold residents' data.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

T = TypeVar("T")


# What using a database that cannot be reached, or refuses us, raises: the callers say it in
# one line rather than a driver's traceback.
UNUSABLE: tuple[type[Exception], ...] = (OSError, DBAPIError)
# The logger of statements and their values, which hold residents' data.
STATEMENTS_LOGGER = "sqlalchemy.engine"


class Tx:
    """One open transaction; `run` executes a function of a sync `Connection` inside it."""

    def __init__(self, sync: Connection | None = None, aconn: AsyncConnection | None = None):
        self._sync = sync
        self._aconn = aconn

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        if self._sync is not None:
            return fn(self._sync, *args)
        assert self._aconn is not None
        return await self._aconn.run_sync(fn, *args)


@dataclass(frozen=True, slots=True)
class DatabaseURL:
    """A `DATABASE_URL` understood: the driver we use for it, whether it is SQLite, and then
    its file, made absolute once so that the folder a process starts in changes nothing."""

    url: str
    sqlite: bool
    path: Path | None = None

    @classmethod
    def parse(cls, raw: str) -> DatabaseURL:
        """Accept ``sqlite:///path`` and ``postgresql://...``; raise ValueError otherwise."""
        url = make_url(raw)
        backend = url.get_backend_name()
        if backend == "sqlite":
            if url.database in (None, "", ":memory:"):
                raise ValueError(
                    "an SQLite DATABASE_URL needs a file path, such as sqlite:///hayna.db"
                )
            path = Path(url.database).expanduser().resolve()
            url = url.set(drivername="sqlite+pysqlite", database=str(path))
            return cls(url.render_as_string(False), True, path)
        if backend in ("postgresql", "postgres"):
            return cls(url.set(drivername="postgresql+asyncpg").render_as_string(False), False)
        raise ValueError(f"unsupported database {backend!r}: use sqlite:/// or postgresql://")

    @property
    def shown(self) -> str:
        """The database as an operator reads it: the SQLite file, or the server URL without its
        password."""
        if self.path is not None:
            return str(self.path)
        return make_url(self.url).set(drivername="postgresql").render_as_string(True)


class Database:
    """The process's database: its engine, its transactions, its schema upgrades."""

    def __init__(self, url: DatabaseURL) -> None:
        self.url = url
        self.sqlite = url.sqlite
        self._sync: Engine | None = None
        self._async: AsyncEngine | None = None
        # SQLite: one connection for the process, kept open; a pool checkout per message costs
        # as much as the message's statements.
        self._conn: Connection | None = None
        # SQLite's single writer, seen from this process: one transaction at a time, in order.
        self._writer = asyncio.Lock()
        if url.sqlite:
            self._sync = _sqlite_engine(url.url)
        else:
            self._async = create_async_engine(
                url.url, pool_size=10, max_overflow=10, hide_parameters=True
            )

    @classmethod
    def open(cls, raw_url: str) -> Database:
        return cls(DatabaseURL.parse(raw_url))

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Tx]:
        """Commit when the block ends, roll back when it raises."""
        if self._sync is not None:
            async with self._writer:
                if self._conn is None or self._conn.closed:
                    self._conn = self._sync.connect()
                with self._conn.begin():
                    yield Tx(sync=self._conn)
            return
        assert self._async is not None
        async with self._async.begin() as aconn:
            yield Tx(aconn=aconn)

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[Connected]:
        """One connection kept for transactions in a row, each committed on its own: work that
        follows a commit at once does not queue for the pool a second time."""
        if self._async is None:  # SQLite: the process has one connection anyway
            yield Connected(self)
            return
        async with self._async.connect() as aconn:
            yield Connected(self, aconn)

    @asynccontextmanager
    async def driver_connection(self) -> AsyncIterator[Any]:
        """A connection of the pool as its driver has it (asyncpg's), outside any transaction:
        for the one-statement hot paths (the shared pace), where SQLAlchemy's layers would cost
        more than the statement itself."""
        if self._async is None:
            raise ValueError("a driver connection is for PostgreSQL")
        async with self._async.connect() as aconn:
            raw = await aconn.get_raw_connection()
            yield raw.driver_connection

    async def answers(self) -> None:
        """One round trip, for a health check; raises when the database does not answer."""
        async with self.transaction() as tx:
            await tx.run(select_one)

    async def upgrade(self) -> None:
        """Bring the schema to the newest migration."""
        from storage.migrate import upgrade_connection

        if self._sync is not None:
            with self._sync.begin() as conn:
                upgrade_connection(conn)
            return
        assert self._async is not None
        async with self._async.begin() as aconn:
            await aconn.run_sync(upgrade_connection)

    async def is_current(self) -> bool:
        from storage.migrate import is_current

        if self._sync is not None:
            with self._sync.connect() as conn:
                return is_current(conn)
        assert self._async is not None
        async with self._async.connect() as aconn:
            return await aconn.run_sync(is_current)

    async def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
        if self._sync is not None:
            self._sync.dispose()
        if self._async is not None:
            await self._async.dispose()


class Connected:
    """A connection held by `Database.connection`; `transaction` as on the database."""

    def __init__(self, db: Database, aconn: AsyncConnection | None = None) -> None:
        self._db = db
        self._aconn = aconn

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Tx]:
        if self._aconn is None:
            async with self._db.transaction() as tx:
                yield tx
            return
        async with self._aconn.begin():
            yield Tx(aconn=self._aconn)

    async def invalidate(self) -> None:
        """Never give this connection back to the pool: it is closed instead (it may hold a
        session's lock, or be broken)."""
        if self._aconn is not None:
            await self._aconn.invalidate()


def select_one(conn: Connection) -> None:
    """One round trip: raises when the database does not answer."""
    conn.execute(text("SELECT 1")).scalar_one()


def _sqlite_engine(url: str) -> Engine:
    path = make_url(url).database
    if path:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    # The pool keeps the file open between messages; reopening it would cost more than a message.
    # hide_parameters: a statement's values (names, phone numbers) never reach an error message.
    engine = create_engine(url, connect_args={"check_same_thread": False}, hide_parameters=True)

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn: Any, _record: Any) -> None:
        # Hand transaction control to us (BEGIN IMMEDIATE below), then set WAL + NORMAL.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        # Take the write lock at the start, so two processes never deadlock upgrading a read lock.
        conn.connection.driver_connection.execute("BEGIN IMMEDIATE")  # type: ignore[union-attr]

    return engine
