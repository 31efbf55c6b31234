"""`hayna serve`: build the configured channels, the app and its web server, and run them; on
PostgreSQL each channel's pace is shared with the other processes sending through it."""

from __future__ import annotations

import sys

import uvicorn

from bot.app import App, create_app
from bot.channel import Channel
from bot.channels import configured_channels
from bot.role import Role
from bot.settings import Settings, SettingsError
from bot.web import web_app
from handlers.metrics import Metrics
from storage.pace_slots import PaceSlots


async def serve(settings: Settings, role: Role = Role.ALL) -> int:
    """Serve the webhooks and the dashboard until interrupted (uvicorn handles Ctrl-C and
    SIGTERM); without a channel, the dashboard alone; ``role``: what this process does."""
    metrics = Metrics()
    channels = configured_channels(settings, metrics)
    if channels and settings.public_base_url is None:
        raise SettingsError("PUBLIC_BASE_URL", "is required to serve webhooks")
    if not channels:
        # A trial, or organizers working beside `hayna chat`: the dashboard alone.
        print(
            f"hayna: no channel configured (TELEGRAM_BOT_TOKEN, TWILIO_ACCOUNT_SID): serving "
            f"the dashboard only, at {settings.dashboard_url}/dashboard",
            file=sys.stderr,
        )
    app = await create_app(
        settings,
        {channel.name: channel.outbox for channel in channels},
        fetchers={channel.name: channel.fetcher for channel in channels},
        metrics=metrics,
    )
    shared = share_paces(app, channels)
    try:
        config = uvicorn.Config(
            web_app(app, channels, role),
            host=settings.host,
            port=settings.port,
            log_level=settings.log_level.lower(),
            # uvicorn's records go through the root handlers: one redacted line each (bot/logs.py).
            log_config=None,
            # Twilio and Telegram give up on slow answers; do not hold connections for long.
            timeout_keep_alive=5,
        )
        await uvicorn.Server(config).serve()
    finally:
        for slots in shared:
            await slots.close()
        await app.close()
    return 0


def share_paces(app: App, channels: list[Channel]) -> list[PaceSlots]:
    """On a server database, every channel books its sends in the pace all processes share."""
    if app.db.sqlite:
        return []
    shared = [PaceSlots(app.db, channel.name) for channel in channels]
    for channel, slots in zip(channels, shared, strict=True):
        channel.share_pace(slots)
    return shared
