"""The terminal channel: one resident typing lines, for demos, scripts and acceptance tests.

Lines are messages; ``/location LAT LON``, ``/photo PATH`` and ``/voice PATH`` send those.
A file sent with a reply is written to a folder and its path shown.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable
from pathlib import Path

from conversations.kit import Address, Attachment, Inbound, Location, Media, MediaKind, Outgoing
from conversations.seams import FileTooLarge, Push
from handlers.console.capabilities import CHANNEL
from handlers.filetype import HEAD, sniff
from handlers.numbered import numbered

LOCATION_HINT = "📍 /location LAT LON"
# Where files sent with replies are written, under the current folder.
FILES = Path("hayna-files")


class CommandError(ValueError):
    """A console command with the wrong arguments: shown to the operator, not sent."""


def to_inbound(line: str, user: str, sequence: int, base: Path | None = None) -> Inbound:
    """Turn one typed line into an `Inbound` for ``user``; relative paths start at ``base``."""
    address = Address(CHANNEL, user)
    # Unique across runs, so a second session's first line is not taken for a redelivery.
    message_id = f"{time.time_ns()}-{sequence}"
    command, _, rest = line.strip().partition(" ")
    if command == "/location":
        parts = rest.replace(",", " ").split()
        try:
            lat, lon = (float(part) for part in parts)
        except ValueError:
            raise CommandError(
                "usage: /location LAT LON, for example /location 33.57 -7.59"
            ) from None
        return Inbound(address, message_id, location=Location(lat, lon))
    if command in ("/photo", "/voice"):
        if not rest.strip():
            raise CommandError(f"usage: {command} PATH")
        try:
            path = (base or Path.cwd()) / Path(rest.strip()).expanduser()
            with path.open("rb") as handle:
                head = handle.read(HEAD)
            size = path.stat().st_size
        except (OSError, RuntimeError) as error:  # RuntimeError: "~nobody/x" has no home
            raise CommandError(f"{command}: cannot read {rest.strip()!r} ({error})") from None
        kind = MediaKind.PHOTO if command == "/photo" else MediaKind.VOICE
        # What the bytes say, as a platform would report it; a file's name proves nothing.
        content_type = sniff(head) or "application/octet-stream"
        return Inbound(address, message_id, media=(Media(kind, str(path), content_type, size),))
    return Inbound(address, message_id, text=line.rstrip("\n"))


def to_text(message: Outgoing) -> str:
    """How the terminal shows one reply."""
    text = numbered(message)
    return f"{text}\n{LOCATION_HINT}" if message.ask_location else text


def save_attachment(message: Outgoing, folder: Path = FILES) -> Path | None:
    """Write the file sent with ``message`` into ``folder``; returns its path, if there was one.

    The file may hold personal data: it is readable by its owner only.
    """
    if message.attachment is None:
        return None
    return _saved(message.attachment, folder)


def save_voice(message: Outgoing, folder: Path = FILES) -> Path | None:
    """Write the voice prompt sent with ``message`` into ``folder`` (a terminal plays nothing:
    the path is printed to open it); returns its path, if there was one."""
    return None if message.voice is None else _saved(message.voice, folder)


def _saved(attachment: Attachment, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    # The name is ours (never the resident's words), but only its last part is used regardless.
    path = folder / f"{time.time_ns()}-{Path(attachment.filename).name}"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(attachment.data)
    return path


class ConsoleOutbox:
    """Pushes printed in the terminal, marked as notifications."""

    channel = CHANNEL

    def __init__(self, write: Callable[[str], None]) -> None:
        self.write = write

    async def send(self, push: Push) -> str | None:
        self.write(f"🔔 [{push.address.user}] {to_text(push.message)}")
        attachment = push.message.attachment
        if attachment is not None:
            self.write(f"📎 {attachment.filename} ({kilobytes(len(attachment.data))})")
        return None


class ConsoleFetcher:
    """The terminal's `MediaFetcher`: a photo or voice note typed with ``/photo PATH`` or
    ``/voice PATH`` is that file."""

    channel = CHANNEL

    async def fetch(self, ref: str, limit: int) -> bytes:
        return await asyncio.to_thread(_read, Path(ref), limit)


def _read(path: Path, limit: int) -> bytes:
    try:
        if path.stat().st_size > limit:
            raise FileTooLarge(f"{path} has more than {limit} bytes")
        return path.read_bytes()
    except OSError as error:
        raise ValueError(f"cannot read {path} ({error.strerror or error})") from None


def kilobytes(size: int) -> str:
    return f"{size / 1024:.1f} KB" if size >= 1024 else f"{size} bytes"
