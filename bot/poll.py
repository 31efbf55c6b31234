"""`hayna poll`: the Telegram bot by long polling, with the dispatcher and the hourly chores
alongside."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

from telegram.error import TelegramError

from bot.app import create_app
from bot.housekeeping import keep_house
from bot.i18n import translator
from bot.settings import Settings, SettingsError
from handlers.telegram.channel import TelegramChannel
from handlers.telegram.pace import TelegramPace
from handlers.telegram.polling import BotRefused, open_for_polling, receive


async def poll(
    settings: Settings,
    stop: asyncio.Event,
    write: Callable[[str], None] = print,
    pace: TelegramPace | None = None,
) -> int:
    """Answer Telegram updates until ``stop`` is set."""
    if settings.telegram is None:
        raise SettingsError("TELEGRAM_BOT_TOKEN", "is required for `hayna poll`")
    channel = TelegramChannel(settings.telegram, translator, pace=pace)
    app = await create_app(
        settings, {channel.name: channel.outbox}, fetchers={channel.name: channel.fetcher}
    )
    try:
        try:
            await open_for_polling(channel)
            write(f"hayna: polling Telegram as @{channel.me.username}; stop with Ctrl-C or SIGTERM")
            background = [
                asyncio.create_task(app.dispatcher.run(stop)),
                asyncio.create_task(keep_house(app.db, app.vault, stop)),
            ]
            try:
                await receive(channel, app.engine, stop)
            finally:
                stop.set()
                await asyncio.gather(*background, return_exceptions=True)
        except BotRefused as error:
            raise SettingsError("TELEGRAM_BOT_TOKEN", str(error)) from None
    finally:
        with contextlib.suppress(TelegramError, OSError):
            await channel.stop()
        await app.close()
    return 0
