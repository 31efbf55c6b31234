"""Fetching a file a resident sent on Telegram, by its file_id: getFile, then the download."""

from __future__ import annotations

from telegram import Bot
from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError

from conversations.seams import FileTooLarge, TransientFailure
from handlers.telegram.capabilities import CHANNEL


class TelegramFetcher:
    """The Telegram `MediaFetcher`."""

    channel = CHANNEL

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def fetch(self, ref: str, limit: int) -> bytes:
        try:
            found = await self.bot.get_file(ref)
            # Telegram says the size first: a file too large is not downloaded at all.
            if found.file_size is not None and found.file_size > limit:
                raise FileTooLarge(f"the file has {found.file_size} bytes, more than {limit}")
            data = bytes(await found.download_as_bytearray())
        except RetryAfter as error:
            raise TransientFailure(f"Telegram asked to wait: {error}") from None
        except BadRequest as error:  # an unknown or expired file_id
            raise ValueError(f"Telegram cannot give the file: {error.message}") from None
        except (NetworkError, TelegramError) as error:
            raise TransientFailure(f"Telegram did not give the file: {error}") from None
        if len(data) > limit:
            raise FileTooLarge(f"the file has {len(data)} bytes, more than {limit}")
        return data
