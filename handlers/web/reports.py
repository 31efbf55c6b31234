"""The reports pages: the list with its filters and map, one report with its files and history,
and the organizer's changes (status, duplicate, hiding), each through the desk."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from conversations.board import Board
from conversations.dates import read_day
from conversations.desk import (
    NOTE_MAX,
    PER_PAGE,
    REASON_MAX,
    Done,
    Fetchable,
    Outcome,
    ReportFile,
    ReportQuery,
)
from conversations.report import CATEGORY_LABELS, STATUS_LABELS, Category, ReportStatus
from conversations.seams import MediaFetcher, TransientFailure
from conversations.text import _
from handlers.web.fields import choice, number_of
from handlers.web.guard import Guard
from handlers.web.map import MapTiles, pins_map
from handlers.web.resident_file import served
from handlers.web.session import PREFIX, Visit, text_field
from handlers.web.templating import Pages

log = logging.getLogger(__name__)


REPORTS = f"{PREFIX}/reports"
# A photo or voice note shown in the dashboard: the chat takes none larger.
MEDIA_BYTES = 20 * 1024 * 1024
# Outlines drawn under the pins at most: an organizer of a whole province filters by commune.
MAP_COMMUNES = 12


def query_of(request: Request) -> ReportQuery:
    """The filters as the list's form sent them; what cannot be read filters nothing."""
    given = request.query_params
    page = given.get("page", "1")
    return ReportQuery(
        status=choice(ReportStatus, given.get("status", "")),
        category=choice(Category, given.get("category", "")),
        commune=given.get("commune", "")[:16],
        place=given.get("place", "").strip()[:100],
        since=read_day(given.get("since", "")),
        until=read_day(given.get("until", "")),
        page=min(int(page), 100_000) if page.isdigit() and int(page) > 0 else 1,
    )


def _filters(query: ReportQuery, page: int) -> str:
    shown = {
        "status": query.status or "",
        "category": query.category or "",
        "commune": query.commune,
        "place": query.place,
        "since": query.since.isoformat() if query.since else "",
        "until": query.until.isoformat() if query.until else "",
        "page": str(page),
    }
    return urlencode({key: value for key, value in shown.items() if value})


class ReportPages:
    """The reports list, one report, and the changes organizers make to it."""

    def __init__(
        self,
        board: Board,
        pages: Pages,
        guard: Guard,
        fetchers: Mapping[str, MediaFetcher],
        tiles: MapTiles | None = None,
    ) -> None:
        self.board = board
        self.pages = pages
        self.guard = guard
        self.fetchers = fetchers
        self.tiles = tiles

    def routes(self) -> list[BaseRoute]:
        page = self.guard.page
        return [
            Route(REPORTS, page(self.listing), methods=["GET"]),
            Route(REPORTS + "/{ref}", page(self.one), methods=["GET"]),
            Route(REPORTS + "/{ref}/status", page(self.set_status), methods=["POST"]),
            Route(REPORTS + "/{ref}/hide", page(self.hide), methods=["POST"]),
            Route(REPORTS + "/{ref}/media/{media:int}", page(self.media), methods=["GET"]),
        ]

    async def listing(self, request: Request, visit: Visit) -> Response:
        query = query_of(request)
        found = await self.board.desk.reports(visit.who, query)
        tr = self.pages.translators(visit.locale)
        outlines = [
            ring
            for code in sorted({pin.commune_code for pin in found.pins})[:MAP_COMMUNES]
            for ring in self.board.outline(code)
        ]
        return self.pages.render(
            visit.locale,
            "reports.html",
            visit=visit,
            query=query,
            found=found,
            per_page=PER_PAGE,
            statuses=STATUS_LABELS,
            categories=CATEGORY_LABELS,
            commune_name=lambda code: self.board.commune_name(code, visit.locale),
            page_link=lambda page: f"{REPORTS}?{_filters(query, page)}",
            pins_map=pins_map(
                outlines, found.pins, _("Map of the pinned reports").render(tr), self.tiles
            ),
        )

    async def one(self, request: Request, visit: Visit) -> Response:
        found = await self.board.desk.report(visit.who, request.path_params["ref"])
        if isinstance(found, Done):
            return self.guard.refusal(visit, found)
        return self._page(visit, found, request.query_params.get("done", ""))

    def _page(self, visit: Visit, found: ReportFile, done: str, status: int = 200) -> Response:
        return self.pages.render(
            visit.locale,
            "report.html",
            status=status,
            visit=visit,
            report=found,
            done=done,
            statuses=STATUS_LABELS,
            categories=CATEGORY_LABELS,
            commune_name=self.board.commune_name(found.line.commune_code, visit.locale),
            reason_max=REASON_MAX,
            note_max=NOTE_MAX,
        )

    async def set_status(self, request: Request, visit: Visit) -> Response:
        ref = request.path_params["ref"]
        form = await self.guard.form(request, visit)
        status = choice(ReportStatus, text_field(form, "status"))
        note = text_field(form, "note")
        if status is None or len(note) > NOTE_MAX:
            return await self._after(visit, ref, Outcome(Done.INVALID, why="form"))
        kept = text_field(form, "duplicate_of") if status is ReportStatus.DUPLICATE else ""
        outcome = await self.board.desk.set_report_status(visit.who, ref, status, note, kept)
        return await self._after(visit, ref, outcome)

    async def hide(self, request: Request, visit: Visit) -> Response:
        ref = request.path_params["ref"]
        form = await self.guard.form(request, visit)
        what = text_field(form, "media")
        media_id = number_of(what)
        if what and media_id is None:
            return await self._after(visit, ref, Outcome(Done.INVALID, why="form"))
        reason = text_field(form, "reason")
        outcome = await self.board.desk.hide(visit.who, ref, media_id, reason)
        return await self._after(visit, ref, outcome)

    async def _after(self, visit: Visit, ref: str, outcome: Outcome) -> Response:
        """Back to the report, saying what became of the change (a refusal on the spot)."""
        if outcome.done in (Done.REFUSED, Done.MISSING):
            return self.guard.refusal(visit, outcome.done)
        if outcome.done is Done.INVALID:
            found = await self.board.desk.report(visit.who, ref)
            if isinstance(found, Done):
                return self.guard.refusal(visit, found)
            return self._page(visit, found, f"invalid:{outcome.why}", status=400)
        told = f":{outcome.told}" if outcome.done is Done.DONE else ""
        return RedirectResponse(f"{REPORTS}/{ref}?done={outcome.done}{told}", status_code=303)

    async def media(self, request: Request, visit: Visit) -> Response:
        ref, media_id = request.path_params["ref"], request.path_params["media"]
        if number_of(str(media_id)) is None:
            return self.guard.refusal(visit, Done.MISSING)
        found = await self.board.desk.media(visit.who, ref, media_id)
        if isinstance(found, Done):
            return self.guard.refusal(visit, found)
        return await self._fetched(found)

    async def _fetched(self, found: Fetchable) -> Response:
        if found.data is not None:
            return served(found.data, found.content_type)
        fetcher = self.fetchers.get(found.channel)
        if fetcher is None:
            return Response(status_code=404)
        try:
            data = await fetcher.fetch(found.ref, MEDIA_BYTES)
        except (TransientFailure, ValueError) as error:
            log.warning("a report's file could not be fetched from %s: %s", found.channel, error)
            return Response(status_code=502)
        return served(data, found.content_type)
