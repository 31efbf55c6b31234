"""What the Telegram channel is configured with (read from the environment by `bot.settings`)."""

from __future__ import annotations

import re
from dataclasses import dataclass

TELEGRAM_API = "https://api.telegram.org"
# Telegram's limit for a bot's messages, a second, across all its chats (more with paid
# broadcasts, where Telegram allows up to 1,000).
TELEGRAM_RATE = 30


@dataclass(frozen=True, slots=True)
class TelegramSettings:
    """The Telegram bot, when ``TELEGRAM_BOT_TOKEN`` is set."""

    token: str
    # The Bot API server's root: Telegram's, a local Bot API server, or a test's fake.
    api_base_url: str = TELEGRAM_API
    # Telegram echoes it in X-Telegram-Bot-Api-Secret-Token; required to serve the webhook.
    webhook_secret: str | None = None
    # Messages a second for the whole bot, every process together.
    rate: int = TELEGRAM_RATE


# A bot's username as Telegram allows it: 5 to 32 letters, digits and underscores, a letter first.
BOT_USERNAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{4,31}")


def deep_link(username: str, payload: str) -> str:
    """The link that opens a chat with the bot and sends it ``/start payload``."""
    return f"https://t.me/{username}?start={payload}"
