"""SQLite databases for tests: upgraded to the newest schema once per test process, then copied
for each test (a copy takes milliseconds, the migrations a fifth of a second)."""

from __future__ import annotations

import shutil
from pathlib import Path

from storage.database import Database


async def upgraded(path: Path) -> Path:
    """A new SQLite database at ``path``, upgraded by the migrations and closed."""
    database = Database.open(f"sqlite:///{path}")
    await database.upgrade()
    await database.close()
    # Closing the last connection folded the write-ahead log into the file: it is whole.
    assert not path.with_name(path.name + "-wal").exists(), "the template kept a -wal file"
    return path


def copied(template: Path, path: Path) -> Database:
    """A database at ``path`` just as the migrations leave a new one: a copy of ``template``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template, path)
    return Database.open(f"sqlite:///{path}")
