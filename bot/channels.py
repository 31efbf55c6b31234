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
    from handlers.metrics import Metrics


@dataclass(frozen=True, slots=True)
class Entry:
    capabilities: Capabilities
    # The channel `hayna serve` runs, built from the settings; None when they do not set it up.
    # Channels without webhooks (the terminal) have none.
    serve: Callable[[Settings, Metrics], Channel | None] | None = None


def _telegram(settings: Settings, metrics: Metrics) -> Channel | None:
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
    return TelegramChannel(settings.telegram, translator, settings.public_base_url, metrics=metrics)


def _whatsapp(settings: Settings, metrics: Metrics) -> Channel | None:
    if settings.whatsapp is None:
        return None
    from bot.settings import SettingsError
    from handlers.whatsapp.channel import WhatsAppChannel

    if settings.public_base_url is None:
        # Twilio signs each request with the URL it calls: without it nothing can be checked.
        raise SettingsError("PUBLIC_BASE_URL", "is required with TWILIO_ACCOUNT_SID")
    return WhatsAppChannel(settings.whatsapp, settings.public_base_url, metrics=metrics)


REGISTRY: tuple[Entry, ...] = (
    Entry(TELEGRAM, _telegram),
    Entry(WHATSAPP, _whatsapp),
    Entry(CONSOLE),
)
CHANNELS = Channels.of_all(entry.capabilities for entry in REGISTRY)


def configured_channels(settings: Settings, metrics: Metrics | None = None) -> list[Channel]:
    """A channel for each platform whose credentials are set, counting into ``metrics``."""
    from handlers.metrics import Metrics

    counted = metrics or Metrics()
    built = (entry.serve(settings, counted) for entry in REGISTRY if entry.serve is not None)
    return [channel for channel in built if channel is not None]
