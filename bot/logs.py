"""Logs as one line per event (``key=value``, values JSON-quoted), with phone numbers, chat ids,
CINs, message texts and download links' secrets redacted.

Redaction is a filter on each handler of the root logger, so every record passes through it, the
libraries' and the tracebacks' included, whatever logger wrote it.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime
from pathlib import Path

from conversations.redaction import REDACTED, redact_identifiers
from storage.database import STATEMENTS_LOGGER

# What a resident wrote, wherever a record names it: text='…', body="…", full_name=…
# Also as a logged dict or form writes it ('Body': '…', "ProfileName": "…"), in any case.
_WORDS = re.compile(
    r"\b(text|body|description|full_name|name|display_name|profilename|place)(['\"]?)"
    r"""(=|: ?)('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|\S+)""",
    re.IGNORECASE,
)
# A Telegram bot token (123456789:AA…), as it appears in every Bot API URL.
_BOT_TOKEN = re.compile(r"(?<!\d)\d{6,}:[A-Za-z0-9_-]{30,}")
# A download link's secret (uvicorn's access log names each request's path): it opens a file.
_FILE_LINK = re.compile(r"/files/[^/\s\"']+")
# A dashboard sign-in link's token, for the same reason: within 15 minutes it opens a session.
_SIGN_IN_LINK = re.compile(r"/dashboard/sign-in/[^/?\s\"']+")
# Marks the handlers installed here, so configuring again replaces them instead of doubling.
_OURS = "_hayna_handler"


def redact(text: str) -> str:
    text = _BOT_TOKEN.sub(REDACTED, text)
    text = _WORDS.sub(lambda f: f"{f.group(1)}{f.group(2)}{f.group(3)}{REDACTED}", text)
    text = _FILE_LINK.sub(f"/files/{REDACTED}", text)
    text = _SIGN_IN_LINK.sub(f"/dashboard/sign-in/{REDACTED}", text)
    return redact_identifiers(text)


class Redactor(logging.Filter):
    """Rewrites a record's message and traceback with personal data redacted."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class OneLine(logging.Formatter):
    """``ts=… level=… logger=… event="…"``, the traceback as ``exc="…"`` on the same line."""

    def format(self, record: logging.LogRecord) -> str:
        moment = datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")
        fields = [
            f"ts={moment}",
            f"level={record.levelname}",
            f"logger={record.name}",
            f"event={json.dumps(record.getMessage(), ensure_ascii=False)}",
        ]
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            fields.append(f"exc={json.dumps(record.exc_text, ensure_ascii=False)}")
        return " ".join(fields)


def configure_logging(level: str, path: Path | None = None) -> list[logging.Handler]:
    """Send every log record to standard error, and to ``path`` when given, redacted, one line
    each; returns the handlers installed."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, _OURS, False)]:
        root.removeHandler(handler)
        handler.close()
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if path is not None:
        handlers.append(logging.FileHandler(path, encoding="utf-8"))
    for handler in handlers:
        setattr(handler, _OURS, True)
        handler.addFilter(Redactor())
        handler.setFormatter(OneLine())
        root.addHandler(handler)
    root.setLevel(level)
    # Statements and their values hold residents' data: never logged, even at DEBUG.
    logging.getLogger(STATEMENTS_LOGGER).setLevel(logging.WARNING)
    return handlers
