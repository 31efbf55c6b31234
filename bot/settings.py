"""Settings from environment variables, checked once at start-up.

A missing or malformed value stops start-up with one line naming the variable.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from conversations.kit import Address
from storage.database import DatabaseURL

DEFAULT_DATABASE = "sqlite:///hayna.db"
# Where a terminal chat keeps a generated key, so a laptop demo needs no setting at all.
LOCAL_KEY_FILE = ".hayna-secret"
MIN_KEY_LENGTH = 32
CHANNELS = ("telegram", "whatsapp", "console")


class SettingsError(Exception):
    """A setting that stops start-up; str() is the one line to print."""

    def __init__(self, variable: str, problem: str) -> None:
        super().__init__(f"{variable}: {problem}")
        self.variable = variable


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: DatabaseURL
    secret_key: str
    admins: frozenset[Address]
    log_level: str

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, *, local: bool = False) -> Settings:
        """Read the environment; ``local`` lets a terminal chat generate its secret key."""
        env = os.environ if env is None else env
        return cls(
            database_url=_database(env.get("DATABASE_URL", "").strip() or DEFAULT_DATABASE),
            secret_key=_secret(env.get("HAYNA_SECRET_KEY"), local),
            admins=_admins(env.get("HAYNA_ADMINS", "")),
            log_level=_log_level(env.get("HAYNA_LOG_LEVEL", "WARNING")),
        )


def _database(raw: str) -> DatabaseURL:
    try:
        return DatabaseURL.parse(raw)
    except Exception as error:  # SQLAlchemy raises several kinds for a bad URL
        raise SettingsError("DATABASE_URL", f"cannot be used ({error})") from None


def _secret(raw: str | None, local: bool) -> str:
    if raw is None or not raw.strip():
        if not local:
            raise SettingsError(
                "HAYNA_SECRET_KEY",
                "is not set; generate one with: python -c 'import secrets; "
                "print(secrets.token_urlsafe(48))'",
            )
        return _local_secret(Path(LOCAL_KEY_FILE))
    if len(raw.strip()) < MIN_KEY_LENGTH:
        raise SettingsError("HAYNA_SECRET_KEY", f"must be at least {MIN_KEY_LENGTH} characters")
    return raw.strip()


def _local_secret(path: Path) -> str:
    if path.exists():
        key = path.read_text(encoding="utf-8").strip()
        if len(key) < MIN_KEY_LENGTH:
            raise SettingsError("HAYNA_SECRET_KEY", f"{path} holds no usable key; delete it")
        return key
    key = secrets.token_urlsafe(48)
    # Created readable by the owner only, from the first byte.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(key + "\n")
    return key


def _admins(raw: str) -> frozenset[Address]:
    admins = set()
    for item in filter(None, (part.strip() for part in raw.split(","))):
        channel, _, user = item.partition(":")
        if channel not in CHANNELS or not user:
            raise SettingsError(
                "HAYNA_ADMINS",
                f"{item!r} is not CHANNEL:ID (channels: {', '.join(CHANNELS)}), "
                "for example telegram:123456789,whatsapp:+212600000000",
            )
        admins.add(Address(channel, user))
    return frozenset(admins)


def _log_level(raw: str) -> str:
    level = raw.strip().upper()
    if level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        raise SettingsError("HAYNA_LOG_LEVEL", "must be DEBUG, INFO, WARNING or ERROR")
    return level
