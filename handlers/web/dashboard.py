"""The organizers' dashboard, as routes for `hayna serve`: sign-in, the overview, the reports,
the petitions, the meetings, the consultations, residents' questions and the updates, groups
and the audit log; its stylesheet and script; and the headers every page carries (no framing,
no referrer, no script or asset from another site).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime

from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from conversations.board import Board
from conversations.seams import MediaFetcher
from handlers.web.consultations import ConsultationPages
from handlers.web.groups import GroupPages
from handlers.web.guard import Guard
from handlers.web.map import MapTiles
from handlers.web.meetings import MeetingPages
from handlers.web.overview import overview_routes
from handlers.web.petitions import PetitionPages
from handlers.web.public import PUBLIC
from handlers.web.questions import QuestionPages
from handlers.web.reports import ReportPages
from handlers.web.session import PREFIX
from handlers.web.sign_in import SignInPages
from handlers.web.templating import TEMPLATES, Pages
from handlers.web.updates import UpdatePages

__all__ = ["PageHeaders", "dashboard_routes"]

STATIC = TEMPLATES.parent / "static"
# Charts are inline SVG with their own styles; nothing else is inline, and nothing is fetched
# from another site. A sign-in link's token is in its path: no page tells another site about it.
HEADERS = {
    b"content-security-policy": b"default-src 'self'; img-src 'self' data:; "
    b"style-src 'self' 'unsafe-inline'; script-src 'self'; frame-ancestors 'none'; "
    b"form-action 'self'; base-uri 'none'",
    b"referrer-policy": b"no-referrer",
    b"x-content-type-options": b"nosniff",
    b"x-frame-options": b"DENY",
    b"cache-control": b"no-store",
}


# The pages under these paths carry `HEADERS`: the dashboard's, and petitions' public pages.
PAGES = (PREFIX, PUBLIC)


class PageHeaders:
    """Adds `HEADERS` to every response of the dashboard and of the public pages (files and
    public pages keep their own cache time); the webhooks' answers are left as they are."""

    def __init__(self, app: ASGIApp, images: str = "") -> None:
        self.app = app
        # A tile server's origin, when the settings name one: the map's only outside images.
        policy = HEADERS[b"content-security-policy"]
        extra = f" {images}".encode() if images else b""
        self.headers = {**HEADERS, b"content-security-policy": policy.replace(
            b"img-src 'self' data:", b"img-src 'self' data:" + extra)}  # fmt: skip

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(PAGES):
            await self.app(scope, receive, send)
            return

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = [
                    *message.get("headers", []),
                    *((k, v) for k, v in self.headers.items() if k not in present),
                ]
            await send(message)

        await self.app(scope, receive, sending)


def dashboard_routes(
    board: Board,
    pages: Pages,
    fetchers: Mapping[str, MediaFetcher],
    clock: Callable[[], datetime],
    tiles: MapTiles | None = None,
) -> list[BaseRoute]:
    """Every route of the dashboard, under /dashboard (the app adds `PageHeaders`); ``pages``
    are the templates it shares with the petitions' public pages."""
    guard = Guard(board.sign_in, pages)
    routes: list[BaseRoute] = [
        *SignInPages(board, pages).routes(),
        *overview_routes(board, pages, guard, clock),
        *ReportPages(board, pages, guard, fetchers, tiles).routes(),
        *GroupPages(board, pages, guard).routes(),
        *PetitionPages(board, pages, guard).routes(),
        *MeetingPages(board, pages, guard).routes(),
        *ConsultationPages(board, pages, guard).routes(),
        *QuestionPages(board, pages, guard).routes(),
        *UpdatePages(board, pages, guard, clock).routes(),
        Mount(f"{PREFIX}/static", StaticFiles(directory=STATIC), name="static"),
    ]
    return routes
