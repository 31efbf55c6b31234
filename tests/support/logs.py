"""What hostile input must never leave in the log."""

from __future__ import annotations

import logging
from collections.abc import Iterable


def problems(records: Iterable[logging.LogRecord]) -> list[str]:
    """Engine failures and tracebacks in the log: what hostile input must never cause."""
    return [
        record.getMessage()
        for record in records
        if record.exc_info or (record.name == "conversations.engine" and "failed" in record.msg)
    ]
