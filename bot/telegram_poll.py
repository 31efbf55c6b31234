"""`hayna poll`: the Telegram bot by long polling, for a laptop or a small association without
a public server; the dispatcher and the hourly chores run alongside."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import Callable, Sequence

from telegram import Update
from telegram.error import Conflict, NetworkError, RetryAfter, TelegramError

from bot.app import App, create_app
from bot.housekeeping import keep_house
from bot.settings import Settings, SettingsError
from bot.telegram_channel import POLL_SECONDS, TelegramChannel
from handlers.telegram import ALLOWED_UPDATES
from handlers.telegram_pace import TelegramPace
from handlers.telegram_sender import retry_seconds

log = logging.getLogger(__name__)

# After a failed getUpdates, wait this long, doubling up to the maximum.
FIRST_BACKOFF, MAX_BACKOFF = 1.0, 60.0


async def poll(
    settings: Settings,
    stop: asyncio.Event,
    write: Callable[[str], None] = print,
    pace: TelegramPace | None = None,
) -> int:
    """Answer Telegram updates until ``stop`` is set."""
    if settings.telegram is None:
        raise SettingsError("TELEGRAM_BOT_TOKEN", "is required for `hayna poll`")
    channel = TelegramChannel(settings.telegram, pace=pace)
    app = await create_app(
        settings, {channel.name: channel.outbox}, fetchers={channel.name: channel.fetcher}
    )
    try:
        try:
            await channel.open()
            # Updates go to a webhook or to getUpdates, never both.
            await channel.bot.delete_webhook()
        except TelegramError as error:
            problem = f"Telegram refused the bot ({error})"
            raise SettingsError("TELEGRAM_BOT_TOKEN", problem) from None
        write(f"hayna: polling Telegram as @{channel.me.username}; stop with Ctrl-C or SIGTERM")
        background = [
            asyncio.create_task(app.dispatcher.run(stop)),
            asyncio.create_task(keep_house(app.db, app.vault, stop)),
        ]
        try:
            await _receive(app, channel, stop)
        finally:
            stop.set()
            await asyncio.gather(*background, return_exceptions=True)
    finally:
        with contextlib.suppress(TelegramError, OSError):
            await channel.stop()
        await app.close()
    return 0


async def _receive(app: App, channel: TelegramChannel, stop: asyncio.Event) -> None:
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
            raise SettingsError(
                "TELEGRAM_BOT_TOKEN", f"Telegram refused the bot ({error})"
            ) from None
        backoff = FIRST_BACKOFF
        if updates:
            await _handle(app, channel, updates)
            # The next getUpdates confirms these: a crash before it means they come again,
            # and the inbox drops those already handled.
            offset = updates[-1].update_id + 1


async def _handle(app: App, channel: TelegramChannel, updates: Sequence[Update]) -> None:
    """Each chat's updates in order; different chats at once."""
    by_chat: defaultdict[int | None, list[Update]] = defaultdict(list)
    for update in updates:
        chat = update.effective_chat
        by_chat[None if chat is None else chat.id].append(update)

    async def one_chat(queue: list[Update]) -> None:
        for update in queue:
            await channel.process(app.engine, update)

    await asyncio.gather(*(one_chat(queue) for queue in by_chat.values()))


async def _pause(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)
