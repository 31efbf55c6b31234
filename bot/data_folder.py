"""Where the embedded database and its key live: the per-user data folder by default, and the
key file beside the database, created once with it.

Whichever folder a command starts in, it finds the same database and the same key: a key
generated anew for an existing database would hash CINs differently, and the same card could
sign a petition twice.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

from platformdirs import user_data_dir

KEY_FILE = ".hayna-secret"
DATABASE_FILE = "hayna.db"


class FolderProblem(Exception):
    """The database or its key file cannot be used as they are; str() says what to do."""


def default_database(cwd: Path | None = None) -> Path:
    """``hayna.db`` in the per-user data folder (``~/.local/share/hayna`` on Linux).

    Older versions kept ``./hayna.db`` and ``./.hayna-secret`` in the working folder. While the
    data folder has no database, such a pair is pointed out rather than silently left behind
    for an empty database.
    """
    database = Path(user_data_dir("hayna", appauthor=False)) / DATABASE_FILE
    try:
        old = (cwd or Path.cwd()) / DATABASE_FILE
    except FileNotFoundError:  # started in a folder deleted since: it holds no older database
        return database
    if old.exists() and not database.exists() and old.resolve() != database.resolve():
        files = f"{DATABASE_FILE} {KEY_FILE}" if (old.parent / KEY_FILE).exists() else DATABASE_FILE
        raise FolderProblem(
            f"{old} was made by an older Hayna, which kept its database in the working folder; "
            f"move it with `mkdir -p {database.parent} && mv {files} {database.parent}/`, "
            f"or keep it there with DATABASE_URL=sqlite:///{old}"
        )
    return database


def key_file(database: Path) -> Path:
    """The key file of an SQLite database: beside it, so both are backed up and moved together."""
    return database.parent / KEY_FILE


def read_or_create_key(database: Path, min_length: int) -> str:
    """The key in the database's key file; a new one, written once, for a new database."""
    path = key_file(database)
    if path.exists():
        key = path.read_text(encoding="utf-8").strip()
        if len(key) < min_length:
            raise FolderProblem(f"{path} holds no usable key (at least {min_length} characters)")
        return key
    if database.exists() and database.stat().st_size > 0:
        # A new key would not match the one its CINs were hashed with.
        raise FolderProblem(
            f"is not set and {database} has no key file beside it ({path}); "
            "set the key this database was used with"
        )
    return _create(path, secrets.token_urlsafe(48))


def _create(path: Path, key: str) -> str:
    """Write ``key`` to ``path`` unless another process just did; the key in the file either way.

    The key is written to a file of its own first and then linked to its name, which fails if
    the name exists: a second process never reads a half-written file nor replaces the first
    one's key.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f"{path.name}.{secrets.token_hex(8)}")
    # Readable by the owner only, from the first byte.
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(key + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(draft, path)
        except FileExistsError:
            return path.read_text(encoding="utf-8").strip()
        return key
    finally:
        with contextlib.suppress(FileNotFoundError):
            draft.unlink()
