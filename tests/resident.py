"""A fake resident: talks to the real engine the way a person on a channel would."""

from __future__ import annotations

import itertools
import tempfile
from collections.abc import Sequence
from pathlib import Path

from conversations.engine import Engine
from conversations.kit import Address, Inbound, Location, Media, MediaKind, Outgoing
from handlers.console.lines import to_text
from handlers.filetype import HEAD, sniff
from tests.support.users import chosen

_ids = itertools.count(1)


class FakeResident:
    def __init__(
        self,
        engine: Engine,
        user: str = "amina",
        channel: str = "console",
        language_hint: str | None = None,
    ) -> None:
        self.engine = engine
        self.address = Address(channel, user)
        self.language_hint = language_hint
        self.last: list[Outgoing] = []
        self.transcript: list[str] = []

    async def send(self, **fields: object) -> list[Outgoing]:
        message_id = str(fields.pop("message_id", f"m{next(_ids)}"))
        inbound = Inbound(
            self.address,
            message_id,
            language_hint=self.language_hint,
            **fields,  # type: ignore[arg-type]
        )
        self.last = await self.engine.handle(inbound)
        self.transcript.extend(out.text for out in self.last)
        return self.last

    async def say(self, text: str, message_id: str | None = None) -> list[Outgoing]:
        if message_id is None:
            return await self.send(text=text)
        return await self.send(text=text, message_id=message_id)

    async def send_voice(self, data: bytes | str = "note.ogg") -> list[Outgoing]:
        """A voice note as ``/voice PATH`` sends one: a local file of these bytes, its type by
        them; given a name, a note of that reference only (no file: the engine alone)."""
        if isinstance(data, str):
            return await self.send(media=(Media(MediaKind.VOICE, data, "audio/ogg", 20_000),))
        with tempfile.TemporaryDirectory(prefix="hayna-voice-") as folder:
            path = Path(folder) / "note.ogg"
            path.write_bytes(data)
            kind = sniff(data[:HEAD]) or "application/octet-stream"
            # The engine keeps the bytes before it answers: the file may go after.
            return await self.send(media=(Media(MediaKind.VOICE, str(path), kind, len(data)),))

    async def tap(self, option_id: str) -> list[Outgoing]:
        """Tap a button of the last question, as on Telegram."""
        assert option_id in self.option_ids, f"{option_id!r} not offered: {self.option_ids}"
        return await self.send(option=option_id)

    async def choose(self, label: str) -> list[Outgoing]:
        """Type the number of the option of the last question that shows ``label`` (or the one
        holding it), as on a terminal."""
        labels = [shown for _, shown in self.options]
        return await self.say(str(chosen(label, labels) + 1))

    async def share_location(self, lat: float, lon: float) -> list[Outgoing]:
        return await self.send(location=Location(lat, lon))

    async def send_photo(self, ref: str = "photo.jpg") -> str:
        """A photo the platform names ``ref``; returns ``ref``."""
        await self.send(media=(Media(MediaKind.PHOTO, ref, "image/jpeg", 1000),))
        return ref

    @property
    def texts(self) -> list[str]:
        return [out.text for out in self.last]

    @property
    def replies(self) -> list[str]:
        """The last replies as a terminal shows them: options as numbered lines."""
        return [to_text(out) for out in self.last]

    @property
    def text(self) -> str:
        return "\n".join(self.texts)

    @property
    def options(self) -> Sequence[tuple[str, str]]:
        for out in reversed(self.last):
            if out.options:
                return [(choice.id, choice.label) for choice in out.options]
        return []

    @property
    def option_ids(self) -> list[str]:
        return [option_id for option_id, _ in self.options]

    def number_of(self, option_id: str) -> int:
        return self.option_ids.index(option_id) + 1
