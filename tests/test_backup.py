"""`hayna db backup` and `hayna db restore`: every row of every table comes back, on SQLite and
on PostgreSQL; a backup is never written over a file unasked, and a restore lands only on an
empty database, from a file that is a backup of Hayna's, then is upgraded."""

from __future__ import annotations

import shutil
import sqlite3
import threading
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Connection, insert

from storage.database import Database
from storage.migrate import config
from storage.models import RESIDENT, Base
from tests.support.cli import Ran, hayna
from tests.support.filler import AT, every_row, fill_every_table
from tests.support.postgres import IN_CI, throwaway
from tests.support.sqlite import copied

KEY = "b" * 48
TABLES = len(Base.metadata.tables) + 1  # and alembic_version
# A test here makes a few databases and copies them: longer, something waits that should not.
SECONDS = 30
# Rows the writer beside a backup writes at most.
WRITES = 20_000


@pytest.fixture(autouse=True)
def bounded() -> Iterator[None]:
    started = time.monotonic()
    yield
    assert time.monotonic() - started < SECONDS, f"a backup test took over {SECONDS} s"


def _url(db: Database) -> str:
    return f"sqlite:///{db.url.path}" if db.url.path is not None else db.url.url


def _tools_or_skip(db: Database) -> None:
    missing = [tool for tool in ("pg_dump", "pg_restore") if shutil.which(tool) is None]
    if db.sqlite or not missing:
        return
    problem = f"{' and '.join(missing)} not on the PATH (install postgresql-client)"
    if IN_CI:
        pytest.fail(f"{problem}; under CI=true the PostgreSQL backup tests must run")
    pytest.skip(problem)


@pytest.fixture
async def target(db: Database, tmp_path: Path) -> AsyncIterator[str]:
    """Another database, of the same backend as ``db``, with no table yet."""
    _tools_or_skip(db)
    if db.sqlite:
        yield f"sqlite:///{tmp_path / 'restored.db'}"  # beside the source: the same key file
        return
    async with throwaway("hayna_restored") as url:
        yield url


def _db(tmp_path: Path, url: str, *args: str) -> Ran:
    return hayna(tmp_path, "db", *args, DATABASE_URL=url, HAYNA_SECRET_KEY=KEY)


def _partials(folder: Path) -> list[str]:
    return [path.name for path in folder.iterdir() if path.name.endswith(".partial")]


async def _rows(url: str) -> dict[str, list[tuple[object, ...]]]:
    database = Database.open(url)
    try:
        async with database.transaction() as tx:
            return await tx.run(every_row)
    finally:
        await database.close()


async def test_a_backup_restores_every_row_of_every_table(
    db: Database, target: str, tmp_path: Path
) -> None:
    source = _url(db)
    assert _db(tmp_path, source, "upgrade").returncode == 0  # records the key's fingerprint
    async with db.transaction() as tx:
        await tx.run(fill_every_table)
    before = await _rows(source)
    assert all(before.values()), [name for name, rows in before.items() if not rows]

    file = tmp_path / "hayna.backup"
    backed = _db(tmp_path, source, "backup", str(file))
    assert backed.returncode == 0, backed.stderr
    assert backed.stdout == f"wrote {file} ({file.stat().st_size:,} bytes, {TABLES} tables)\n"

    if not db.sqlite:  # a server database upgraded, still empty: restored over all the same
        assert _db(tmp_path, target, "upgrade").returncode == 0
    restored = _db(tmp_path, target, "restore", str(file))
    assert restored.returncode == 0, restored.stderr
    assert restored.stdout.splitlines()[-1] == "database is up to date"
    assert await _rows(target) == before


async def test_a_restore_onto_a_database_with_rows_is_refused(
    db: Database, target: str, tmp_path: Path
) -> None:
    source, file = _url(db), tmp_path / "empty.backup"
    assert _db(tmp_path, source, "backup", str(file)).returncode == 0
    resident = {"channel": "telegram", "user_id": "42", "created_at": AT}

    def one_resident(conn: Connection) -> None:
        conn.execute(insert(RESIDENT).values(resident))

    async with db.transaction() as tx:
        await tx.run(one_resident)
    refused = _db(tmp_path, source, "restore", str(file))
    assert refused.returncode == 2
    assert refused.stderr == (
        "hayna: the database is not empty (rows in resident): restore only onto an empty database\n"
    )
    assert len((await _rows(source))["resident"]) == 1


async def test_a_file_that_is_no_backup_of_hayna_is_refused(
    db: Database, target: str, tmp_path: Path
) -> None:
    text, unrelated = tmp_path / "notes.txt", tmp_path / "other.db"
    text.write_text("not a backup\n")
    with sqlite3.connect(unrelated) as conn:
        conn.execute("CREATE TABLE song (title TEXT)")
    conn.close()
    refusals = {text: f"hayna: {text} is not a Hayna backup"}
    if db.sqlite:
        refusals[unrelated] = f"hayna: {unrelated} is not a Hayna backup"
    else:
        refusals[unrelated] = f"hayna: {unrelated} is a backup of the other kind of database"
        broken = tmp_path / "broken.dump"
        broken.write_bytes(b"PGDMP" + bytes(200))
        refusals[broken] = "hayna: pg_restore: "
    for file, said in refusals.items():
        refused = _db(tmp_path, target, "restore", str(file))
        assert (refused.returncode, refused.stdout) == (2, ""), file
        assert refused.stderr.startswith(said), refused.stderr
        assert refused.stderr.count("\n") == 1
    if db.sqlite:
        assert not (tmp_path / "restored.db").exists()


async def test_a_backup_is_written_over_a_file_only_with_force(
    sqlite_db: Database, tmp_path: Path
) -> None:
    source, file = _url(sqlite_db), tmp_path / "kept.backup"
    file.write_text("last week's backup")
    refused = _db(tmp_path, source, "backup", str(file))
    assert (refused.returncode, refused.stdout) == (2, "")
    assert refused.stderr == f"hayna: {file} exists: pass --force to replace it\n"
    assert file.read_text() == "last week's backup"
    forced = _db(tmp_path, source, "backup", str(file), "--force")
    assert forced.returncode == 0, forced.stderr
    assert file.read_bytes().startswith(b"SQLite format 3\x00")
    assert _partials(tmp_path) == []


async def test_a_backup_of_an_older_revision_is_upgraded_once_restored(
    tmp_path: Path, sqlite_template: Path
) -> None:
    old = Database.open(f"sqlite:///{tmp_path / 'old.db'}")
    async with old.transaction() as tx:
        await tx.run(lambda conn: command.upgrade(config(conn), "0022"))
    await old.close()
    file = tmp_path / "old.backup"
    assert _db(tmp_path, f"sqlite:///{tmp_path / 'old.db'}", "backup", str(file)).returncode == 0
    fresh = copied(sqlite_template, tmp_path / "new.db")  # upgraded, empty: may be restored onto
    await fresh.close()
    restored = _db(tmp_path, _url(fresh), "restore", str(file))
    assert restored.returncode == 0, restored.stderr
    assert restored.stdout == f"restored {file} (revision 0022)\ndatabase is up to date\n"
    upgraded = Database.open(_url(fresh))
    assert await upgraded.is_current()
    await upgraded.close()


async def test_a_backup_newer_than_this_hayna_is_refused(
    sqlite_db: Database, tmp_path: Path
) -> None:
    file = tmp_path / "newer.backup"
    assert _db(tmp_path, _url(sqlite_db), "backup", str(file)).returncode == 0
    with sqlite3.connect(file) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.close()
    refused = _db(tmp_path, f"sqlite:///{tmp_path / 'new.db'}", "restore", str(file))
    assert refused.returncode == 2
    assert refused.stderr.startswith("hayna: the backup is at revision 9999, which this version")


def test_without_postgresql_tools_the_commands_say_what_to_install(tmp_path: Path) -> None:
    nowhere = tmp_path / "bin"
    nowhere.mkdir()
    archive = tmp_path / "hayna.dump"
    archive.write_bytes(b"PGDMP" + bytes(200))
    url = "postgresql://postgres@127.0.0.1:1/absent"
    for args, tool in (
        (("backup", str(tmp_path / "b.dump")), "pg_dump"),
        (
            ("restore", str(archive)),
            "pg_restore",
        ),
    ):
        ran = hayna(
            tmp_path, "db", *args, DATABASE_URL=url, HAYNA_SECRET_KEY=KEY, PATH=str(nowhere)
        )
        assert (ran.returncode, ran.stdout) == (2, "")
        assert ran.stderr.startswith(f"hayna: {tool} is not on the PATH: install PostgreSQL's")


def test_a_backup_taken_while_another_process_writes_is_whole(
    tmp_path: Path, sqlite_template: Path
) -> None:
    url = _url(copied(sqlite_template, tmp_path / "hayna.db"))
    stop, written = threading.Event(), [0]

    def write() -> None:
        # As `hayna serve` does: one row per transaction, in WAL mode, until told to stop.
        with sqlite3.connect(tmp_path / "hayna.db", isolation_level=None) as conn:
            conn.execute("PRAGMA journal_mode=WAL")
            while not stop.is_set() and written[0] < WRITES:
                conn.execute(
                    "INSERT INTO resident (channel, user_id, pushes_enabled, reachable, created_at)"
                    " VALUES ('telegram', ?, 1, 1, '2026-11-22 09:30:00.000000')",
                    (str(written[0]),),
                )
                written[0] += 1
        conn.close()

    writer = threading.Thread(target=write)
    writer.start()
    try:
        while written[0] < 50 and writer.is_alive():  # the writer is under way
            time.sleep(0.001)
        backed = _db(tmp_path, url, "backup", str(tmp_path / "live.backup"))
    finally:
        stop.set()
        writer.join(SECONDS)
    assert backed.returncode == 0, backed.stderr
    with sqlite3.connect(tmp_path / "live.backup") as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        kept = copy.execute("SELECT count(*), max(id) FROM resident").fetchone()
    copy.close()
    assert 50 <= kept[0] <= written[0] and kept[0] == kept[1]  # a prefix of the writes, whole


async def test_a_restore_under_another_key_says_which_key_to_set(
    sqlite_db: Database, tmp_path: Path
) -> None:
    source, file = _url(sqlite_db), tmp_path / "keyed.backup"
    assert _db(tmp_path, source, "upgrade").returncode == 0  # records the key's fingerprint
    assert _db(tmp_path, source, "backup", str(file)).returncode == 0
    elsewhere = f"sqlite:///{tmp_path / 'elsewhere.db'}"
    restored = hayna(
        tmp_path, "db", "restore", str(file), DATABASE_URL=elsewhere, HAYNA_SECRET_KEY="c" * 48
    )
    assert restored.returncode == 2
    assert restored.stderr == (
        "hayna: the backup was made under another HAYNA_SECRET_KEY: set the key it was first used"
        " with, then run `hayna db upgrade`\n"
    )
