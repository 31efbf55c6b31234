"""Voice prompts organizers sent in the chat: fetched from their channel outside any transaction,
read (OGG/Opus, MP3 or M4A of at most 1 MB and 60 s) and stored, or dropped with a warning in the
log. The dispatcher's rounds call it, as for the photos of updates (bot/media.py)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime, timedelta

from bot.media import fetch_file
from conversations.audio import MAX_BYTES, AudioRefused, recording
from conversations.seams import MediaFetcher
from conversations.voice import stored_id
from storage import media, prompts
from storage.database import Database

log = logging.getLogger(__name__)

# A recording its channel cannot give this long after it was sent is dropped: record it again.
GIVE_UP = timedelta(minutes=10)
RETRY = timedelta(seconds=30)


class WaitingPrompts:
    """Settles the prompts that wait to be fetched."""

    def __init__(self, db: Database, fetchers: Mapping[str, MediaFetcher]) -> None:
        self.db = db
        self.fetchers = fetchers
        self.tried: dict[int, datetime] = {}

    async def fetch(self, now: datetime) -> int:
        """Fetch what can be fetched now; returns how many prompts were settled."""
        settled = 0
        for waiting in await prompts.waiting(self.db):
            if now - self.tried.get(waiting.id, now - RETRY) < RETRY:
                continue
            data, problem, again = await self._bytes(waiting)
            if data is None and again and now - waiting.created_at <= GIVE_UP:
                self.tried[waiting.id] = now  # another round, or another process has it
                continue
            self.tried.pop(waiting.id, None)
            settled += 1
            try:
                if data is None:
                    raise ValueError(problem or "its channel never gave it")
                await prompts.settle(self.db, waiting, data, recording(data))
                log.info("voice prompt %s in %s stored", waiting.key, waiting.language)
            except (AudioRefused, ValueError) as error:
                log.warning(
                    "voice prompt %s in %s dropped: %s", waiting.key, waiting.language, error
                )
                await prompts.give_up(self.db, waiting)
        return settled

    async def _bytes(self, waiting: prompts.WaitingPrompt) -> tuple[bytes | None, str, bool]:
        """The file; or None, what went wrong, and whether trying again may help."""
        kept = stored_id(waiting.ref)
        if kept is not None:
            # Kept already as it arrived (bot/voices.py): its bytes are here, not on the platform.
            found = (await media.load(self.db, [kept])).get(kept)
            if found is None:
                return None, "it is no longer kept", False
            return found.data, "", False
        return await fetch_file(self.fetchers.get(waiting.channel), waiting.ref, MAX_BYTES)
