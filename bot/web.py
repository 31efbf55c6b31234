"""The HTTP side of `hayna serve`: the channels' webhooks, the organizers' dashboard,
``GET /healthz`` and ``GET /metrics`` in one Starlette app, whose lifespan also runs the
dispatcher and the hourly housekeeping; a process of one role only (bot/role.py) has its half,
and the health check and metrics."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from bot.app import App
from bot.channel import Channel, Wiring
from bot.channels import CHANNELS
from bot.housekeeping import keep_house
from bot.i18n import translator
from bot.media import MediaLinks
from bot.prompt_links import PromptLinks
from bot.role import Role
from conversations.organizing import text_limit
from conversations.seams import MediaFetcher
from handlers.console.capabilities import CHANNEL as CONSOLE
from handlers.console.lines import ConsoleFetcher
from handlers.metrics import DeliveryCounts, metrics_route
from handlers.web.dashboard import PageHeaders, dashboard_routes
from handlers.web.public import PublicPages, SigningLinks
from handlers.web.templating import Pages
from storage.backlog import read_backlog
from storage.desk import SqlBoard
from storage.public_views import SqlPublicPetitions

log = logging.getLogger(__name__)

# A health check that waits longer than this says the database does not answer.
HEALTH_TIMEOUT = 2.0


def public_routes(app: App, pages: Pages) -> list[BaseRoute]:
    """Petitions' public pages and posters, with the links of the channels that sign them."""
    settings = app.settings
    # wa.me wants the number alone: whatsapp:+212600000000 is 212600000000 there.
    number = settings.whatsapp.sender.removeprefix("whatsapp:+") if settings.whatsapp else ""
    links = SigningLinks(settings.dashboard_url, number, settings.telegram_bot_username or "")
    petitions = SqlPublicPetitions(app.db, app.gazetteer, app.clock)
    return PublicPages(petitions, pages, links).routes()


def web_app(app: App, channels: Sequence[Channel], role: Role = Role.ALL) -> Starlette:
    """Every configured channel's routes, the health check, and the background work, as far
    as ``role`` has them."""

    async def healthz(_request: Request) -> JSONResponse:
        return await _health(app, channels)

    routes: list[BaseRoute] = [Route("/healthz", healthz, methods=["GET"])]
    if app.settings.metrics_token:
        routes.append(metrics_route(app.metrics, app.settings.metrics_token, _backlog(app)))
    # Photos of updates, for the platforms that fetch them by link: whoever sends them.
    links = MediaLinks(app.db, app.settings.secret_key, app.settings.public_base_url)
    routes.extend(links.routes())
    # Voice prompts alike, one link for every resident who hears one.
    routes.extend(
        PromptLinks(app.db, app.settings.secret_key, app.settings.public_base_url).routes()
    )
    if role.answers:
        routes.extend(_answering(app, channels))
    tiles = app.settings.map_tiles

    @contextlib.asynccontextmanager
    async def lifespan(_web: Starlette) -> AsyncIterator[None]:
        stop = asyncio.Event()
        background = []
        if role.dispatches:
            background.append(asyncio.create_task(app.dispatcher.run(stop)))
            background.append(asyncio.create_task(keep_house(app.db, app.vault, stop)))
            # One turn of the loop: the dispatcher marks the channels it sends before the first
            # request, so /healthz never reports a sender this process is about to run as absent.
            await asyncio.sleep(0)
            await app.wakeups.start()
        for channel in channels:
            # A dispatcher alone opens its channels to send; webhooks are the web processes'.
            await (channel.start() if role.answers else channel.open())
        try:
            yield
        finally:
            stop.set()
            await asyncio.gather(*background, return_exceptions=True)
            for channel in channels:
                await channel.stop()

    images = tiles.origin if tiles else ""
    headers = Middleware(PageHeaders, images=images)
    return Starlette(routes=routes, lifespan=lifespan, middleware=[headers])


def _answering(app: App, channels: Sequence[Channel]) -> list[BaseRoute]:
    """The webhooks, the files sent with replies, the dashboard and the public pages."""
    backend = Wiring(app)
    # Files sent with replies, for the platforms that attach only what they can fetch.
    routes = list(backend.files.routes())
    for channel in channels:
        routes.extend(channel.routes(backend))
    routes.extend(_pages(app, channels))
    return routes


async def _health(app: App, channels: Sequence[Channel]) -> JSONResponse:
    """200 when the database answers, else 503; and which channels' pushes this process sends."""
    sending = app.dispatcher.sending
    senders = {channel.name: channel.name in sending for channel in channels}
    try:
        await asyncio.wait_for(app.db.answers(), HEALTH_TIMEOUT)
    except Exception:
        log.exception("health check: the database does not answer")
        body = {"status": "database unavailable", "database": False, "senders": senders}
        return JSONResponse(body, status_code=503)
    names = [channel.name for channel in channels]
    return JSONResponse({"status": "ok", "database": True, "channels": names, "senders": senders})


def _backlog(app: App) -> Callable[[], Awaitable[DeliveryCounts]]:
    """The delivery table's counts, read at each scrape."""
    return lambda: read_backlog(app.db, app.clock())


def _pages(app: App, channels: Sequence[Channel]) -> list[BaseRoute]:
    """The organizers' dashboard and the petitions' public pages."""
    board = _board(app, text_limit(CHANNELS))
    # The terminal's files are on this machine: its reports' photos show in the dashboard too.
    fetchers: dict[str, MediaFetcher] = {CONSOLE: ConsoleFetcher()}
    fetchers.update({channel.name: channel.fetcher for channel in channels})
    # One set of templates, in the four languages, for the dashboard and the public pages.
    pages = Pages(translator)
    tiles = app.settings.map_tiles
    return [
        *dashboard_routes(board, pages, fetchers, app.clock, tiles),
        *public_routes(app, pages),
    ]


def _board(app: App, limit: int) -> SqlBoard:
    """The dashboard's desks over the application's database, key, clock and settings."""
    terms = app.settings.petition_terms
    return SqlBoard(app.db, app.gazetteer, app.vault, app.settings.admins, app.clock, limit, terms)
