"""Residents' voice notes, fetched from their channel and kept as bytes the moment they arrive
(a Telegram file id opens only for our bot; a platform may drop a file), before the engine
reads the message and outside its transaction: a download never holds the database.

A note that cannot be had in `WAIT` (a slow or unreachable platform) goes on as its platform's
reference, as before, and is fetched when an organizer plays it: the resident never waits long
and never loses their answer.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import UTC, datetime

from conversations.kit import Inbound, Media, MediaKind
from conversations.seams import FileTooLarge, MediaFetcher, TransientFailure
from conversations.voice import EXTENSIONS, STORED, VOICE_MAX, stored_ref
from handlers.filetype import HEAD, sniff
from storage import media
from storage.database import Database

log = logging.getLogger(__name__)

# How long a resident's message may wait for its voice note.
WAIT = 8.0
# What a file sniffed as ISO media is, sent as a voice note: an M4A recording.
_ISO = "video/mp4"
NOT_SOUND = "application/octet-stream"


def voice_type(data: bytes) -> str | None:
    """The content type of a voice note by its first bytes (OGG/Opus, MP3, M4A/AAC, AMR), or
    None when they are not sound."""
    kind = sniff(data[:HEAD])
    if kind == _ISO:
        return "audio/mp4"
    return kind if kind in EXTENSIONS else None


class KeptVoices:
    """The `VoiceKeeper` over the channels' fetchers and the `media` table."""

    def __init__(
        self,
        db: Database,
        fetchers: Mapping[str, MediaFetcher],
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        wait: float = WAIT,
    ) -> None:
        self.db = db
        self.fetchers = fetchers
        self.clock = clock
        self.wait = wait

    async def keep(self, msg: Inbound) -> Inbound:
        kept = []
        for index, item in enumerate(msg.media):
            if item.kind is not MediaKind.VOICE:
                kept.append(item)
            elif item.ref.startswith(STORED):
                # Only this keeper names our rows: a reference that looks like one is forged.
                log.warning("a voice note of %s with a forged reference dropped", msg.message_id)
            else:
                kept.append(await self._one(msg, index, item))
        return replace(msg, media=tuple(kept))

    async def _one(self, msg: Inbound, index: int, item: Media) -> Media:
        if item.size is not None and item.size > VOICE_MAX:
            return item  # refused by the flow, by its size: not downloaded at all
        fetcher = self.fetchers.get(msg.address.channel)
        if fetcher is None:
            return item
        try:
            data = await asyncio.wait_for(fetcher.fetch(item.ref, VOICE_MAX), self.wait)
        except FileTooLarge:
            return replace(item, size=VOICE_MAX + 1)
        except (TransientFailure, TimeoutError) as error:
            log.warning("voice note of %s kept as its reference: %s", msg.message_id, error)
            return item
        except ValueError as error:
            log.warning("voice note of %s cannot be fetched: %s", msg.message_id, error)
            return replace(item, content_type=NOT_SOUND)
        kind = voice_type(data)
        if kind is None:
            return replace(item, content_type=NOT_SOUND, size=len(data))
        name = _name(msg, index) + "." + EXTENSIONS[kind]
        media_id = await media.keep_voice(self.db, name, kind, data, self.clock())
        return Media(MediaKind.VOICE, stored_ref(media_id), kind, len(data))


def _name(msg: Inbound, index: int) -> str:
    """A name of the message's own, saying nothing of who sent it."""
    said = f"{msg.address}\n{msg.message_id}\n{index}".encode()
    return hashlib.sha256(said).hexdigest()[:24]
