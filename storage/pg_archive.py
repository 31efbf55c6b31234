"""PostgreSQL's own tools for backups: pg_dump writes a custom-format archive of the configured
database, pg_restore reads one back. The password goes to them in the environment only, never
on a command line that `ps` shows."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
from pathlib import Path

from sqlalchemy.engine import make_url

from storage.backup_refusal import BackupRefused, BackupWhy
from storage.database import DatabaseURL

MAGIC = b"PGDMP"
# A table's entry in `pg_restore --list`: "218; 1259 16387 TABLE public resident postgres".
_TABLE_ENTRY = re.compile(rb"^\d+; \d+ \d+ TABLE (?!DATA )", re.MULTILINE)


def is_archive(head: bytes) -> bool:
    return head.startswith(MAGIC)


async def dump(url: DatabaseURL, target: Path) -> int:
    """Write a custom-format archive of the database to ``target``; the number of its tables."""
    where, env = _connection(url)
    await _tool("pg_dump", "--format=custom", "--no-owner", f"--file={target}", *where, env=env)
    listing = await _tool("pg_restore", "--list", str(target))
    return len(_TABLE_ENTRY.findall(listing))


async def revision(archive: Path) -> str | None:
    """The alembic revision kept in an archive, None when it holds no Hayna schema."""
    copied = await _tool(
        "pg_restore", "--data-only", "--table=alembic_version", "--file=-", str(archive)
    )
    lines = copied.decode("utf-8", "replace").splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith("COPY ")]
    if not starts or starts[0] + 1 >= len(lines) or lines[starts[0] + 1] == "\\.":
        return None
    return lines[starts[0] + 1].strip()


async def restore(url: DatabaseURL, archive: Path) -> None:
    """Restore ``archive`` onto the database in one transaction: all of it, or nothing."""
    where, env = _connection(url)
    await _tool(
        "pg_restore",
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        "--exit-on-error",
        *where,
        str(archive),
        env=env,
    )


def _connection(url: DatabaseURL) -> tuple[list[str], dict[str, str]]:
    """libpq's options for the database, and the environment carrying its password."""
    parsed = make_url(url.url)
    where = [f"--dbname={parsed.database}"] if parsed.database else []
    where += [f"--host={parsed.host}"] if parsed.host else []
    where += [f"--port={parsed.port}"] if parsed.port else []
    where += [f"--username={parsed.username}"] if parsed.username else []
    env = dict(os.environ)
    if parsed.password is not None:
        env["PGPASSWORD"] = str(parsed.password)
    # asyncpg reads ?ssl=require where libpq reads sslmode.
    ssl = parsed.query.get("sslmode") or parsed.query.get("ssl")
    if isinstance(ssl, str):
        env["PGSSLMODE"] = ssl
    return where, env


async def _tool(name: str, *args: str, env: dict[str, str] | None = None) -> bytes:
    """Run one of PostgreSQL's tools; what it wrote on standard output."""
    found = shutil.which(name)
    if found is None:
        raise BackupRefused(BackupWhy.NO_TOOL, name)
    process = await asyncio.create_subprocess_exec(
        found,
        *args,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=env,
    )
    out, err = await process.communicate()
    if process.returncode != 0:
        said = err.decode("utf-8", "replace").strip().splitlines()
        raise BackupRefused(BackupWhy.TOOL_FAILED, f"{name}: {said[0] if said else 'failed'}")
    return out
