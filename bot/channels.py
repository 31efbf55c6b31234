"""The channels Hayna runs on, one entry each: the capabilities its folder in `handlers` declares,
and how `hayna serve` builds it from the settings (None when they leave it out).

A channel's platform library is imported only when that channel is built: every `hayna` command
reads this registry, and only serving needs python-telegram-bot, twilio and httpx.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from conversations.capabilities import Capabilities, Channels
from handlers.console.capabilities import CAPABILITIES as CONSOLE
from handlers.telegram.capabilities import CAPABILITIES as TELEGRAM
from handlers.whatsapp.capabilities import CAPABILITIES as WHATSAPP

if TYPE_CHECKING:
    from bot.channel import Channel
    from bot.settings import Settings


@dataclass(frozen=True, slots=True)
class Entry:
    capabilities: Capabilities
    # The channel `hayna serve` runs, built from the settings; None when they do not set it up.
    # Channels without webhooks (the terminal) have none.
    serve: Callable[[Settings], Channel | None] | None = None


def _telegram(settings: Settings) -> Channel | None:
    if settings.telegram is None:
        return None
    from bot.i18n import translator
    from bot.settings import SettingsError
    from handlers.telegram.channel import TelegramChannel

    if settings.telegram.webhook_secret is None:
        raise SettingsError(
            "TELEGRAM_WEBHOOK_SECRET",
            "is required to serve the Telegram webhook (or use `hayna poll`, which needs none)",
        )
    return TelegramChannel(settings.telegram, translator, settings.public_base_url)


def _whatsapp(settings: Settings) -> Channel | None:
    if settings.whatsapp is None:
        return None
    from bot.settings import SettingsError
    from handlers.whatsapp.channel import WhatsAppChannel

    if settings.public_base_url is None:
        # Twilio signs each request with the URL it calls: without it nothing can be checked.
        raise SettingsError("PUBLIC_BASE_URL", "is required with TWILIO_ACCOUNT_SID")
    return WhatsAppChannel(settings.whatsapp, settings.public_base_url)


REGISTRY: tuple[Entry, ...] = (
    Entry(TELEGRAM, _telegram),
    Entry(WHATSAPP, _whatsapp),
    Entry(CONSOLE),
)
CHANNELS = Channels.of_all(entry.capabilities for entry in REGISTRY)


def configured_channels(settings: Settings) -> list[Channel]:
    """A channel for each platform whose credentials are set."""
    built = (entry.serve(settings) for entry in REGISTRY if entry.serve is not None)
    return [channel for channel in built if channel is not None]
