"""Backups of the database and their restore onto an empty one: SQLite through its online
backup API, a consistent snapshot taken while other processes write; PostgreSQL through its own
pg_dump and pg_restore (storage/pg_archive.py)."""

from __future__ import annotations

import asyncio
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, MetaData, inspect, literal, select, table

from storage import pg_archive
from storage.backup_refusal import BackupRefused, BackupWhy
from storage.database import Database, DatabaseURL
from storage.migrate import revisions

SQLITE_MAGIC = b"SQLite format 3\x00"
# Rows every upgraded database holds before anyone used it: its revision and its key's
# fingerprint. A database with only these is empty; the backup brings its own.
BOOKKEEPING = frozenset({"alembic_version", "database_key"})
# The tables with rows a refusal names, so that it stays one line.
_NAMED = 5
_TABLES = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"


@dataclass(frozen=True, slots=True)
class Written:
    """A backup written: where, how many bytes, how many tables it holds."""

    path: Path
    size: int
    tables: int


async def back_up(url: DatabaseURL, target: Path, force: bool) -> Written:
    """Write a backup of the database to the absolute path ``target``, never half a file: it is
    written beside, then renamed over ``target`` (which must not exist unless ``force``)."""
    partial = _check_target(url, target, force)
    try:
        if url.path is not None:
            tables = await asyncio.to_thread(_sqlite_copy, url.path, partial)
        else:
            tables = await pg_archive.dump(url, partial)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return Written(target, _size(target), tables)


async def restore(url: DatabaseURL, source: Path) -> str:
    """Restore the backup ``source`` onto the configured database, which must be empty; the
    backup's revision, for the caller to upgrade from."""
    _check_source(url, source)
    revision = _sqlite_revision(source) if url.sqlite else await pg_archive.revision(source)
    if revision is None:
        raise BackupRefused(BackupWhy.NOT_A_BACKUP, str(source))
    if revision not in revisions():
        raise BackupRefused(BackupWhy.NEWER, revision)
    if url.path is not None:
        if _exists(url.path):
            await _on(url, _refuse_rows)
        await asyncio.to_thread(_sqlite_copy, source, url.path)
    else:
        # The schema of an upgraded, empty database would be in pg_restore's way.
        await _on(url, _drop_empty)
        await pg_archive.restore(url, source)
    return revision


def _check_target(url: DatabaseURL, target: Path, force: bool) -> Path:
    """Refuse a target that is not to be written; the partial file to write first."""
    if url.path is not None and not url.path.is_file():
        raise BackupRefused(BackupWhy.NO_DATABASE, str(url.path))
    if target == url.path:
        raise BackupRefused(BackupWhy.SAME_FILE, str(target))
    if not target.parent.is_dir():
        raise BackupRefused(BackupWhy.NO_FOLDER, str(target.parent))
    if target.exists() and not force:
        raise BackupRefused(BackupWhy.EXISTS, str(target))
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    return partial


def _check_source(url: DatabaseURL, source: Path) -> None:
    """Refuse a file that is no backup, or one of the other backend's."""
    if not source.is_file():
        raise BackupRefused(BackupWhy.NO_FILE, str(source))
    sqlite = _head(source).startswith(SQLITE_MAGIC)
    if not sqlite and not pg_archive.is_archive(_head(source)):
        raise BackupRefused(BackupWhy.NOT_A_BACKUP, str(source))
    if sqlite != url.sqlite:
        raise BackupRefused(BackupWhy.OTHER_BACKEND, str(source))


def _size(path: Path) -> int:
    return path.stat().st_size


def _exists(path: Path) -> bool:
    return path.exists()


def _head(path: Path) -> bytes:
    with path.open("rb") as file:
        return file.read(len(SQLITE_MAGIC))


def _sqlite_copy(source: Path, target: Path) -> int:
    """Copy one SQLite database onto another, page by page in one step (a snapshot: writers of
    a WAL database go on meanwhile); the number of tables copied."""
    target.parent.mkdir(parents=True, exist_ok=True)
    origin = sqlite3.connect(source)
    copy = sqlite3.connect(target)
    try:
        origin.backup(copy)
        # One self-contained file, with no write-ahead log beside it to lose.
        copy.execute("PRAGMA journal_mode=DELETE")
        tables: int = copy.execute(_TABLES).fetchone()[0]
    finally:
        copy.close()
        origin.close()
    return tables


def _sqlite_revision(path: Path) -> str | None:
    """The alembic revision an SQLite file was left at, None when it is no Hayna database."""
    try:
        conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return None
    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.Error:  # not a database, or no alembic_version in it
        return None
    finally:
        conn.close()
    return None if row is None else str(row[0])


async def _on(url: DatabaseURL, work: Callable[[Connection], None]) -> None:
    db = Database(url)
    try:
        async with db.transaction() as tx:
            await tx.run(work)
    finally:
        await db.close()


def _refuse_rows(conn: Connection) -> None:
    names = [name for name in inspect(conn).get_table_names() if name not in BOOKKEEPING]
    filled = [
        name
        for name in names
        if conn.execute(select(literal(1)).select_from(table(name)).limit(1)).first() is not None
    ]
    if filled:
        named = sorted(filled)[:_NAMED]
        more = f" and {len(filled) - _NAMED} more" if len(filled) > _NAMED else ""
        raise BackupRefused(BackupWhy.NOT_EMPTY, ", ".join(named) + more)


def _drop_empty(conn: Connection) -> None:
    _refuse_rows(conn)
    tables = MetaData()
    tables.reflect(conn)
    tables.drop_all(conn)
