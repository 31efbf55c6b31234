"""The overview: an organizer's scope at a glance, with its charts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from conversations.board import Board
from conversations.desk import Overview
from conversations.petition_desk import days_left
from conversations.report import CATEGORY_LABELS, STATUS_LABELS
from conversations.text import Translator, _
from handlers.web import charts
from handlers.web.guard import Guard
from handlers.web.session import PREFIX, Visit
from handlers.web.templating import Pages


def _charts(overview: Overview, tr: Translator) -> dict[str, object]:
    categories = [
        (CATEGORY_LABELS[category].render(tr), count)
        for category, count in overview.open_by_category
    ]
    statuses = [(STATUS_LABELS[status].render(tr), count) for status, count in overview.by_status]
    return {
        "by_category": charts.bars(_("Open reports by category").render(tr), categories),
        "by_status": charts.bars(_("Reports by status").render(tr), statuses),
        "weekly": charts.weekly(
            _("Reports per week, last six months").render(tr),
            overview.weekly,
            _("Reports").render(tr),
        ),
    }


def overview_routes(
    board: Board, pages: Pages, guard: Guard, clock: Callable[[], datetime]
) -> list[BaseRoute]:
    async def overview(_request: Request, visit: Visit) -> Response:
        seen = await board.desk.overview(visit.who)
        tr = pages.translators(visit.locale)
        now = clock()
        return pages.render(
            visit.locale,
            "overview.html",
            visit=visit,
            overview=seen,
            charts=_charts(seen, tr),
            commune_name=lambda code: board.commune_name(code, visit.locale),
            days_left=lambda deadline: days_left(deadline, now),
        )

    return [Route(PREFIX, guard.page(overview), methods=["GET"])]
