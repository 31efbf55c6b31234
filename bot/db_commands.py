"""`hayna db ...`: the schema brought to the newest migration, a backup of the database written
to a file, and a backup restored onto an empty database, then upgraded as `hayna db upgrade`
does."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.app import OtherKey, open_database
from bot.settings import Settings
from storage.backup import back_up, restore
from storage.backup_refusal import BackupRefused, BackupWhy
from storage.database import UNUSABLE

SAID: dict[BackupWhy, str] = {
    BackupWhy.EXISTS: "{detail} exists: pass --force to replace it",
    BackupWhy.SAME_FILE: "{detail} is the database itself: write the backup elsewhere",
    BackupWhy.NO_FOLDER: "no folder {detail}: create it first",
    BackupWhy.NO_DATABASE: "no database at {detail}: nothing to back up",
    BackupWhy.NO_FILE: "no such file: {detail}",
    BackupWhy.NOT_A_BACKUP: (
        "{detail} is not a Hayna backup (an SQLite database or a pg_dump archive of Hayna's "
        "schema, as `hayna db backup` writes them)"
    ),
    BackupWhy.OTHER_BACKEND: (
        "{detail} is a backup of the other kind of database than DATABASE_URL's: an SQLite "
        "backup restores onto SQLite, a PostgreSQL one onto PostgreSQL"
    ),
    BackupWhy.NEWER: (
        "the backup is at revision {detail}, which this version of Hayna does not know: "
        "upgrade Hayna first, then restore"
    ),
    BackupWhy.NOT_EMPTY: (
        "the database is not empty (rows in {detail}): restore only onto an empty database"
    ),
    BackupWhy.NO_TOOL: (
        "{detail} is not on the PATH: install PostgreSQL's client tools, of the server's "
        "version or newer (Debian and Ubuntu: apt install postgresql-client)"
    ),
    BackupWhy.TOOL_FAILED: "{detail}",
}


def _absolute(text: str) -> Path:
    """A FILE as given, made absolute once, so what is printed is where it is."""
    return Path(text).expanduser().resolve()


def configure(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", required=True)
    actions.add_parser("upgrade", help="bring the schema to the newest migration")
    backup = actions.add_parser(
        "backup", help="write a backup of the database to FILE (safe while Hayna runs)"
    )
    backup.add_argument("file", type=_absolute, metavar="FILE")
    backup.add_argument("--force", action="store_true", help="replace FILE if it exists")
    restored = actions.add_parser(
        "restore", help="restore the backup FILE onto an empty database, then upgrade it"
    )
    restored.add_argument("file", type=_absolute, metavar="FILE")


async def run(args: argparse.Namespace, settings: Settings) -> int:
    try:
        if args.action == "backup":
            written = await back_up(settings.database_url, args.file, args.force)
            print(f"wrote {written.path} ({written.size:,} bytes, {written.tables} tables)")
            return 0
        if args.action == "restore":
            return await _restore(args.file, settings)
    except BackupRefused as error:
        print(f"hayna: {SAID[error.why].format(detail=error.detail)}", file=sys.stderr)
        return 2
    except UNUSABLE as error:
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        print(f"hayna: DATABASE_URL: cannot use the database ({reason})", file=sys.stderr)
        return 2
    return await _upgrade(settings)


async def _restore(file: Path, settings: Settings) -> int:
    revision = await restore(settings.database_url, file)
    print(f"restored {file} (revision {revision})")
    try:
        return await _upgrade(settings)
    except OtherKey:
        print(
            "hayna: the backup was made under another HAYNA_SECRET_KEY: set the key it was "
            "first used with, then run `hayna db upgrade`",
            file=sys.stderr,
        )
        return 2


async def _upgrade(settings: Settings) -> int:
    db = await open_database(settings, upgrade=True)
    await db.close()
    print("database is up to date")
    return 0
