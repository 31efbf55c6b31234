"""A person on Telegram, as the Bot API shows them to a bot: their updates, built as Telegram
builds them, and their taps on the last keyboard the bot sent them."""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable
from typing import Any

from conversations.kit import Address
from tests.fake_telegram import BOT, FakeTelegram
from tests.support.users import chosen

_message_ids = itertools.count(1)
DATE = 1764583200


class TelegramUser:
    def __init__(
        self,
        fake: FakeTelegram,
        post: Callable[[dict[str, Any]], Awaitable[None]],
        user_id: int,
        first_name: str = "Amina",
        language_code: str = "fr",
    ) -> None:
        self.fake = fake
        self.post = post
        self.id = user_id
        self.user = {
            "id": user_id,
            "is_bot": False,
            "first_name": first_name,
            "language_code": language_code,
        }
        self.chat = {"id": user_id, "first_name": first_name, "type": "private"}
        self.address = Address("telegram", str(user_id))
        # How many messages the bot had sent this chat when the last update went.
        self._answered_from = 0

    async def _send(self, update: dict[str, Any]) -> None:
        self._answered_from = len(self.fake.messages(self.id))
        await self.post(update)

    def message(self, **fields: Any) -> dict[str, Any]:
        body = {
            "message_id": next(_message_ids),
            "from": self.user,
            "chat": self.chat,
            "date": DATE,
            **fields,
        }
        return {"message": body}

    async def say(self, text: str) -> None:
        await self._send(self.message(text=text))

    async def share_location(self, lat: float, lon: float) -> None:
        await self._send(self.message(location={"latitude": lat, "longitude": lon}))

    async def send_photo(self, file_id: str, size: int = 120_000) -> str:
        """A photo in two sizes, as Telegram sends one; returns the larger one's file_id, which
        the bot keeps."""
        photo = [
            {"file_id": file_id + "-s", "file_unique_id": "s", "width": 90, "height": 60},
            {
                "file_id": file_id,
                "file_unique_id": "l",
                "file_size": size,
                "width": 1280,
                "height": 960,
            },
        ]
        await self._send(self.message(photo=photo))
        return file_id

    async def send_voice(self, data: bytes, file_id: str = "") -> str:
        """A voice note, as Telegram sends one: its file id (held by the fake Bot API, fetched by
        getFile) and its size; returns the file id."""
        file_id = file_id or f"voice-{len(self.fake.state.files)}"
        self.fake.add_file(file_id, data)
        voice = {
            "file_id": file_id,
            "file_unique_id": "u" + file_id,
            "duration": 3,
            "mime_type": "audio/ogg",
            "file_size": len(data),
        }
        await self._send(self.message(voice=voice))
        return file_id

    def keyboard(self) -> tuple[int, list[str]]:
        """The last inline keyboard the bot sent: its message id and its options' ids."""
        message_id, buttons = self.buttons()
        return message_id, [data for data, _ in buttons]

    def buttons(self) -> tuple[int, list[tuple[str, str]]]:
        """The last inline keyboard the bot sent: its message id and its buttons, each as its
        callback data and its text."""
        for sent in reversed(self.fake.messages(self.id)):
            rows = (sent.get("reply_markup") or {}).get("inline_keyboard")
            if rows:
                buttons = [(button["callback_data"], button["text"]) for (button,) in rows]
                return sent["_message_id"], buttons
        raise AssertionError(f"no keyboard was sent to {self.id}")

    @property
    def options(self) -> list[str]:
        return self.keyboard()[1]

    @property
    def texts(self) -> list[str]:
        return [sent["text"] for sent in self.fake.messages(self.id)]

    @property
    def replies(self) -> list[str]:
        """The messages the bot sent this chat since the last update, as the person reads them:
        each one's text, then its buttons' texts, one a line."""
        shown = []
        for sent in self.fake.messages(self.id)[self._answered_from :]:
            rows = (sent.get("reply_markup") or {}).get("inline_keyboard") or []
            shown.append(
                "\n".join([sent["text"], *(button["text"] for row in rows for button in row)])
            )
        return shown

    async def choose(self, label: str) -> None:
        """Tap the button of the last keyboard that shows ``label`` (or the one holding it)."""
        _, buttons = self.buttons()
        await self.tap(buttons[chosen(label, [text for _, text in buttons])][0])

    async def tap(self, option: str) -> None:
        message_id, options = self.keyboard()
        assert option in options, f"{option!r} not offered: {options}"
        message = {
            "message_id": message_id,
            "from": BOT,
            "chat": self.chat,
            "date": DATE,
            "text": "…",
        }
        query = {
            "id": f"q{next(_message_ids)}",
            "from": self.user,
            "message": message,
            "chat_instance": "-1",
            "data": option,
        }
        await self._send({"callback_query": query})
