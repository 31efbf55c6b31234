"""One key for every command, kept beside the database, and a database that knows its key: a
command with another key is refused before it writes, so a CIN cannot sign twice."""

from __future__ import annotations

import asyncio
import contextlib
import re
import sqlite3
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import func, select

from bot.app import OtherKey, open_database
from bot.data_folder import KEY_FILE, read_or_create_key
from bot.settings import Settings
from storage.database import Database
from storage.database_key import claim_fingerprint, recorded_fingerprint
from storage.migrate import config
from storage.models import RESIDENT
from storage.vault import fingerprint
from tests.support.cli import SCRIPTS, run
from tests.support.clock import Clock
from tests.support.deliveries import add_resident

KEY_A, KEY_B = "a" * 40, "b" * 40
REFUSAL = "hayna: this database was created with another HAYNA_SECRET_KEY"
SIGN = ("--script", str(SCRIPTS / "petition_fr.txt"))


def dump(database: Path) -> list[str]:
    """Every row and table of an SQLite database, as SQL."""
    with contextlib.closing(sqlite3.connect(database)) as conn:
        return list(conn.iterdump())


def signatures(database: Path) -> tuple[int, int]:
    with contextlib.closing(sqlite3.connect(database)) as conn:
        rows = conn.execute("SELECT count(*) FROM signature").fetchone()[0]
        # The petition's column and its tallies, as storage/tally.py counts.
        counted = conn.execute(
            "SELECT max(p.signatures + coalesce((SELECT sum(t.signatures) FROM petition_tally t"
            " WHERE t.petition_id = p.id), 0)) FROM petition p"
        ).fetchone()[0]
    return rows, counted


def test_a_cin_signs_once_whatever_the_command_and_the_key(tmp_path: Path) -> None:
    database = tmp_path / "hayna.db"
    demo = run(tmp_path, "demo")  # no HAYNA_SECRET_KEY: the key file is made beside the database
    assert demo.returncode == 0, demo.stderr
    code = re.search(r"petition codes: (\w+),", demo.stdout)
    assert code, demo.stdout
    signed = run(tmp_path, "chat", "--as", "hugo", *SIGN)
    assert signed.returncode == 0 and "1/5" in signed.stdout, signed.stderr
    before = dump(database)

    # Another key, as the old advice to generate a new one gave: every command stops at once.
    for args in (
        ("chat", "--as", "nadia", *SIGN),
        ("petitions", "export", code.group(1), "--format", "csv"),
        ("db", "upgrade"),
    ):
        refused = run(tmp_path, *args, HAYNA_SECRET_KEY=KEY_B)
        said = refused.stderr.strip().splitlines()
        assert refused.returncode == 2, refused.stderr
        assert said[0] == f"hayna: database {database.resolve()}, key from HAYNA_SECRET_KEY"
        assert len(said) == 2 and said[1].startswith(REFUSAL), said
        assert said[1].endswith("nothing was written") and refused.stdout == ""
    assert dump(database) == before

    # The chat's key file serves every command: the same card is recognised, and exported.
    again = run(tmp_path, "chat", "--as", "nadia", *SIGN)
    assert again.returncode == 0, again.stderr
    assert "Cette carte (CIN) a déjà signé cette pétition" in again.stdout
    assert signatures(database) == (1, 1)
    export = run(tmp_path, "petitions", "export", code.group(1), "--format", "csv")
    assert export.returncode == 0, export.stderr
    assert "Hugo Benali,BK654321" in export.stdout


def test_every_folder_finds_the_same_database(tmp_path: Path) -> None:
    first, second = tmp_path / "here", tmp_path / "there"
    first.mkdir()
    second.mkdir()
    loaded = run(tmp_path, "demo", cwd=first, DATABASE_URL="")
    assert loaded.returncode == 0 and "petition codes" in loaded.stdout, loaded.stderr
    again = run(tmp_path, "demo", cwd=second, DATABASE_URL="")
    assert again.returncode == 0 and "already loaded" in again.stdout, again.stderr
    folder = (tmp_path / "home" / ".local" / "share" / "hayna").resolve()
    line = f"hayna: database {folder / 'hayna.db'}, key from {folder / KEY_FILE}"
    assert loaded.stderr.splitlines()[0] == line == again.stderr.splitlines()[0]
    assert list(first.iterdir()) == list(second.iterdir()) == []


def test_the_key_file_is_made_once_beside_the_database_for_its_owner_only(tmp_path: Path) -> None:
    work, data = tmp_path / "work", tmp_path / "data"
    work.mkdir()
    url = f"sqlite:///{data / 'hayna.db'}"
    upgraded = run(tmp_path, "db", "upgrade", cwd=work, DATABASE_URL=url)
    assert upgraded.returncode == 0, upgraded.stderr
    key_file = data / KEY_FILE
    assert key_file.stat().st_mode & 0o777 == 0o600
    key, inode = key_file.read_text(encoding="utf-8").strip(), key_file.stat().st_ino
    assert len(key) >= 32
    for args in (("demo",), ("petitions", "list"), ("reports", "list"), ("db", "upgrade")):
        ran = run(tmp_path, *args, cwd=work, DATABASE_URL=url)
        assert ran.returncode == 0, ran.stderr
    assert key_file.read_text(encoding="utf-8").strip() == key
    assert key_file.stat().st_ino == inode
    assert [p.name for p in data.iterdir() if not p.name.startswith("hayna.db")] == [KEY_FILE]
    assert list(work.iterdir()) == []
    # The database keeps the key's fingerprint, never the key.
    with contextlib.closing(sqlite3.connect(data / "hayna.db")) as conn:
        assert conn.execute("SELECT fingerprint FROM database_key").fetchall() == [
            (fingerprint(key),)
        ]
        assert key not in "\n".join(conn.iterdump())


def test_processes_starting_together_share_one_key(tmp_path: Path) -> None:
    database = tmp_path / "new" / "hayna.db"
    with ThreadPoolExecutor(max_workers=8) as pool:
        keys = set(pool.map(lambda _: read_or_create_key(database, 32), range(8)))
    assert len(keys) == 1
    assert [p.name for p in database.parent.iterdir()] == [KEY_FILE]


def test_an_existing_database_without_its_key_file_gets_no_new_key(tmp_path: Path) -> None:
    made = run(tmp_path, "demo", HAYNA_SECRET_KEY=KEY_A)
    assert made.returncode == 0, made.stderr
    refused = run(tmp_path, "chat", "--as", "hugo", *SIGN)
    assert refused.returncode == 2
    assert refused.stderr.strip().splitlines() == [
        f"hayna: HAYNA_SECRET_KEY: is not set and {(tmp_path / 'hayna.db').resolve()} has no key "
        f"file beside it ({(tmp_path / KEY_FILE).resolve()}); set the key this database was "
        "used with"
    ]
    assert not (tmp_path / KEY_FILE).exists()


def test_a_database_an_older_version_kept_in_the_working_folder(tmp_path: Path) -> None:
    old = tmp_path / "old"
    old.mkdir()
    made = run(tmp_path, "demo", cwd=old, DATABASE_URL=f"sqlite:///{old / 'hayna.db'}")
    assert made.returncode == 0, made.stderr
    assert (old / KEY_FILE).exists()

    refused = run(tmp_path, "petitions", "list", cwd=old, DATABASE_URL="")
    assert refused.returncode == 2
    said = refused.stderr.strip().splitlines()
    assert len(said) == 1
    assert said[0].startswith(
        f"hayna: DATABASE_URL: {old.resolve() / 'hayna.db'} was made by an older Hayna"
    )
    assert not (tmp_path / "home").exists(), "nothing created in the data folder"

    # Following the advice moves the database with its key: every command finds both.
    advice = re.search(r"`(mkdir [^`]+)`", said[0])
    assert advice, said[0]
    subprocess.run(advice.group(1), shell=True, cwd=old, check=True)
    moved = run(tmp_path, "petitions", "list", cwd=tmp_path, DATABASE_URL="")
    assert moved.returncode == 0, moved.stderr
    assert moved.stdout.count("[DÉMO]") == 2


def settings(db: Database, key: str) -> Settings:
    return Settings.from_env({"DATABASE_URL": db.url.url, "HAYNA_SECRET_KEY": key})


async def test_another_key_is_refused_on_every_backend(db: Database, clock: Clock) -> None:
    await add_resident(db, clock, "amina", "fr")
    assert await recorded_fingerprint(db) is None, "data, but no fingerprint yet"
    first = await open_database(settings(db, KEY_A), upgrade=db.sqlite)
    await first.close()
    assert await recorded_fingerprint(db) == fingerprint(KEY_A) != KEY_A
    with pytest.raises(OtherKey, match=r"^this database was created with another HAYNA_SECRET_KEY"):
        await open_database(settings(db, KEY_B), upgrade=db.sqlite)
    again = await open_database(settings(db, KEY_A), upgrade=db.sqlite)
    await again.close()
    assert await recorded_fingerprint(db) == fingerprint(KEY_A)


async def test_two_first_processes_agree_on_one_key(db: Database, clock: Clock) -> None:
    other = Database(db.url)
    try:
        won = await asyncio.gather(
            claim_fingerprint(db, fingerprint(KEY_A), clock()),
            claim_fingerprint(other, fingerprint(KEY_B), clock()),
        )
    finally:
        await other.close()
    assert won[0] == won[1] in (fingerprint(KEY_A), fingerprint(KEY_B))
    assert await claim_fingerprint(db, fingerprint(KEY_B), clock()) == won[0]


async def test_a_database_from_before_fingerprints_takes_its_first_key(
    tmp_path: Path, clock: Clock
) -> None:
    db = Database.open(f"sqlite:///{tmp_path / 'old.db'}")
    async with db.transaction() as tx:
        await tx.run(lambda conn: command.upgrade(config(conn), "0008"))
    await add_resident(db, clock, "amina", "fr")
    await db.close()

    opened = await open_database(settings(db, KEY_A), upgrade=True)
    try:
        assert await recorded_fingerprint(opened) == fingerprint(KEY_A)
        async with opened.transaction() as tx:
            count = select(func.count()).select_from(RESIDENT)
            assert await tx.run(lambda conn: conn.execute(count).scalar_one()) == 1
    finally:
        await opened.close()
    with pytest.raises(OtherKey):
        await open_database(settings(db, KEY_B), upgrade=True)
