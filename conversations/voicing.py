"""Voice prompts added to the replies of a resident who chose voice: each reply that reads a
recorded prompt gets its recording, sent after the text. A prompt not recorded in the resident's
language leaves the text alone, and is logged once per prompt and language while the process
runs (it is the association's to record, not an error of each message)."""

from __future__ import annotations

import logging
from dataclasses import replace

from conversations.kit import Outgoing
from conversations.prompts import spoken
from conversations.seams import Voices

log = logging.getLogger(__name__)


class Voicing:
    """Finds the recordings of the prompts replies read."""

    def __init__(self, voices: Voices) -> None:
        self.voices = voices
        self.told: set[tuple[str, str]] = set()

    async def voiced(self, replies: list[Outgoing]) -> list[Outgoing]:
        """``replies``, each with its prompt's recording when there is one."""
        out = []
        for reply in replies:
            if reply.prompt:
                reply = await self._with_voice(reply)
            out.append(reply)
        return out

    async def _with_voice(self, reply: Outgoing) -> Outgoing:
        language = spoken(reply.locale)
        found = await self.voices.voice(reply.prompt, language)
        if found is not None:
            return replace(reply, voice=found)
        if (reply.prompt, language) not in self.told:
            self.told.add((reply.prompt, language))
            log.info("no voice prompt %s in %s: sent as text alone", reply.prompt, language)
        return reply
