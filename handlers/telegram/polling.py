"""Long polling: Telegram's updates fetched with getUpdates instead of posted to a webhook, for a
laptop or a small association without a public server."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import Sequence

from telegram import Update
from telegram.error import Conflict, NetworkError, RetryAfter, TelegramError

from conversations.seams import Answerer
from handlers.telegram.channel import POLL_SECONDS, TelegramChannel
from handlers.telegram.inbound import ALLOWED_UPDATES
from handlers.telegram.sender import retry_seconds

log = logging.getLogger(__name__)

# After a failed getUpdates, wait this long, doubling up to the maximum.
FIRST_BACKOFF, MAX_BACKOFF = 1.0, 60.0


class BotRefused(Exception):
    """Telegram refuses the bot (a wrong or revoked token): waiting will not mend it."""


async def open_for_polling(channel: TelegramChannel) -> None:
    """Check the token and take the updates from any webhook: they go to one or the other."""
    try:
        await channel.open()
        await channel.bot.delete_webhook()
    except TelegramError as error:
        raise BotRefused(f"Telegram refused the bot ({error})") from None


async def receive(channel: TelegramChannel, answerer: Answerer, stop: asyncio.Event) -> None:
    """Answer updates until ``stop`` is set."""
    offset: int | None = None
    backoff = FIRST_BACKOFF
    while not stop.is_set():
        fetch = asyncio.ensure_future(
            channel.bot.get_updates(
                offset=offset, timeout=POLL_SECONDS, allowed_updates=list(ALLOWED_UPDATES)
            )
        )
        stopping = asyncio.ensure_future(stop.wait())
        await asyncio.wait((fetch, stopping), return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        if not fetch.done():
            fetch.cancel()
            await asyncio.gather(fetch, return_exceptions=True)
            return
        try:
            updates = fetch.result()
        except RetryAfter as error:
            await _pause(stop, retry_seconds(error))
            continue
        except (Conflict, NetworkError) as error:
            # Conflict: another process polls this bot, or a webhook was set meanwhile.
            log.warning("getUpdates failed (%s); again in %.0f s", error, backoff)
            await _pause(stop, backoff)
            backoff = min(backoff * 2, MAX_BACKOFF)
            continue
        except TelegramError as error:  # a revoked token, for one: waiting will not mend it
            raise BotRefused(f"Telegram refused the bot ({error})") from None
        backoff = FIRST_BACKOFF
        if updates:
            await _handle(channel, answerer, updates)
            # The next getUpdates confirms these: a crash before it means they come again,
            # and the inbox drops those already handled.
            offset = updates[-1].update_id + 1


async def _handle(channel: TelegramChannel, answerer: Answerer, updates: Sequence[Update]) -> None:
    """Each chat's updates in order; different chats at once."""
    by_chat: defaultdict[int | None, list[Update]] = defaultdict(list)
    for update in updates:
        chat = update.effective_chat
        by_chat[None if chat is None else chat.id].append(update)

    async def one_chat(queue: list[Update]) -> None:
        for update in queue:
            await channel.process(answerer, update)

    await asyncio.gather(*(one_chat(queue) for queue in by_chat.values()))


async def _pause(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)
