"""The updates pages: the scope's updates with their figures, a new update (one text per
language, each with a live count against the channels' limit; its audience and how many it
reaches; now or at a time), and one update's delivery report, which refreshes while some of
its deliveries are still queued."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from conversations.board import Board
from conversations.desk import Done
from conversations.language import WRITTEN
from handlers.web.fields import audience_of, audience_options, kept_text, moroccan, number_of
from handlers.web.guard import Guard
from handlers.web.session import PREFIX, Visit, text_field
from handlers.web.templating import Pages

UPDATES = f"{PREFIX}/updates"
# Seconds between two looks at a report still being sent.
REFRESH = 5


class UpdatePages:
    """The updates list, the new update form, and one update's delivery report."""

    def __init__(self, board: Board, pages: Pages, guard: Guard, clock: Callable[[], datetime]):
        self.board = board
        self.pages = pages
        self.guard = guard
        self.clock = clock

    def routes(self) -> list[BaseRoute]:
        page = self.guard.page
        return [
            Route(UPDATES, page(self.listing), methods=["GET"]),
            Route(UPDATES + "/new", page(self.new), methods=["GET"]),
            Route(UPDATES + "/new", page(self.send), methods=["POST"]),
            Route(UPDATES + "/{id}", page(self.one), methods=["GET"]),
        ]

    async def listing(self, _request: Request, visit: Visit) -> Response:
        found = await self.board.meetings.updates(visit.who)
        return self.pages.render(visit.locale, "updates.html", visit=visit, updates=found)

    async def new(self, _request: Request, visit: Visit) -> Response:
        return await self._form(visit, {}, "")

    async def _form(
        self,
        visit: Visit,
        typed: dict[str, str],
        why: str,
        status: int = 200,
        recipients: int | None = None,
    ) -> Response:
        desk = self.board.meetings
        reach = await desk.reach(visit.who)
        tr = self.pages.translators(visit.locale)

        def name(code: str) -> str:
            return self.board.commune_name(code, visit.locale)

        return self.pages.render(
            visit.locale,
            "update_new.html",
            status=status,
            visit=visit,
            typed=typed,
            why=why,
            recipients=recipients,
            audiences=audience_options(reach, name, tr),
            limit=desk.text_limit,
            written=WRITTEN,
        )

    async def send(self, request: Request, visit: Visit) -> Response:
        form = await self.guard.form(request, visit)
        typed = {language: kept_text(form.get(f"text_{language}")) for language in WRITTEN}
        typed |= {name: text_field(form, name) for name in ("audience", "when", "timing")}
        texts = tuple((language, typed[language]) for language in WRITTEN if typed[language])
        audience = audience_of(typed["audience"])
        later = typed["timing"] == "later"
        at = moroccan(typed["when"]) if later else self.clock()
        if audience is None or at is None:
            return await self._form(visit, typed, "form", status=400)
        if text_field(form, "action") == "count":
            counted = await self.board.meetings.recipients(visit.who, audience)
            if isinstance(counted, Done):
                return self.guard.refusal(visit, counted)
            return await self._form(visit, typed, "", recipients=counted)
        made = await self.board.meetings.send_update(visit.who, texts, audience, at)
        outcome = made.outcome
        if outcome.done is Done.INVALID:
            return await self._form(visit, typed, outcome.why, status=400)
        if outcome.done is not Done.DONE:
            return self.guard.refusal(visit, outcome.done)
        return RedirectResponse(f"{UPDATES}/{made.number}?sent={outcome.told}", status_code=303)

    async def one(self, request: Request, visit: Visit) -> Response:
        number = number_of(request.path_params["id"])
        found = (
            Done.MISSING if number is None else await self.board.meetings.update(visit.who, number)
        )
        if isinstance(found, Done):
            return self.guard.refusal(visit, found)
        sent = request.query_params.get("sent", "")
        return self.pages.render(
            visit.locale,
            "update.html",
            visit=visit,
            update=found,
            just_sent=sent.isdigit(),
            refresh=REFRESH if found.report.queued else 0,
        )
