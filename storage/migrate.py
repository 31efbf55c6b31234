"""Alembic, driven from code: `hayna db upgrade` and the embedded database's start land here."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def config(connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def upgrade_connection(connection: Connection) -> None:
    """Upgrade to the newest revision inside the caller's transaction."""
    command.upgrade(config(connection), "head")


def is_current(connection: Connection) -> bool:
    """Whether the schema is at the newest revision (a server database is upgraded on purpose)."""
    heads = set(ScriptDirectory.from_config(config()).get_heads())
    return set(MigrationContext.configure(connection).get_current_heads()) == heads


def revisions() -> set[str]:
    """Every revision this code knows, so a backup made by a newer version can be told apart."""
    return {script.revision for script in ScriptDirectory.from_config(config()).walk_revisions()}
