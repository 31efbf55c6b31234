"""Why a backup or a restore was refused, as a reason and the one detail that goes with it (a
path, a revision, tables, a tool); the command line words it."""

from __future__ import annotations

from enum import StrEnum


class BackupWhy(StrEnum):
    EXISTS = "exists"
    SAME_FILE = "same-file"
    NO_FOLDER = "no-folder"
    NO_DATABASE = "no-database"
    NO_FILE = "no-file"
    NOT_A_BACKUP = "not-a-backup"
    OTHER_BACKEND = "other-backend"
    NEWER = "newer"
    NOT_EMPTY = "not-empty"
    NO_TOOL = "no-tool"
    TOOL_FAILED = "tool-failed"


class BackupRefused(Exception):
    """A backup or restore that cannot be done, and nothing was written."""

    def __init__(self, why: BackupWhy, detail: str) -> None:
        super().__init__(f"{why}: {detail}")
        self.why = why
        self.detail = detail
