"""The groups page (the scope's groups, a new group, invite codes that make organizers) and the
audit log of the scope."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from conversations.board import Board
from conversations.desk import Done
from conversations.group_desk import Invited
from conversations.groups import GROUP_NAME_MAX, KIND_LABELS, NAMED, GroupKind
from handlers.web.fields import choice, number_of
from handlers.web.guard import Guard
from handlers.web.session import PREFIX, Visit, text_field
from handlers.web.templating import Pages

GROUPS = f"{PREFIX}/groups"


class GroupPages:
    def __init__(self, board: Board, pages: Pages, guard: Guard) -> None:
        self.board = board
        self.pages = pages
        self.guard = guard

    def routes(self) -> list[BaseRoute]:
        page = self.guard.page
        return [
            Route(GROUPS, page(self.listing), methods=["GET"]),
            Route(GROUPS, page(self.create), methods=["POST"]),
            Route(f"{GROUPS}/invite", page(self.invite), methods=["POST"]),
            Route(f"{PREFIX}/audit", page(self.audit), methods=["GET"]),
        ]

    async def listing(
        self,
        _request: Request,
        visit: Visit,
        done: str = "",
        invited: Invited | None = None,
        typed: str = "",
        status: int = 200,
    ) -> Response:
        if not done and _request.query_params.get("done") == "created":
            done = "created"
        found = await self.board.groups.groups(visit.who)
        return self.pages.render(
            visit.locale,
            "groups.html",
            status=status,
            visit=visit,
            found=found,
            kinds=KIND_LABELS,
            named=NAMED,
            done=done,
            invited=invited,
            typed=typed,
            name_max=GROUP_NAME_MAX,
            commune_name=lambda code: self.board.commune_name(code, visit.locale),
        )

    async def create(self, request: Request, visit: Visit) -> Response:
        form = await self.guard.form(request, visit)
        commune, name = text_field(form, "commune")[:16], text_field(form, "name")
        kind = choice(GroupKind, text_field(form, "kind"))
        if kind not in NAMED:
            return await self.listing(request, visit, "invalid", typed=name, status=400)
        made = await self.board.groups.create_group(visit.who, commune, kind, name)
        if made is Done.INVALID:
            return await self.listing(request, visit, "invalid", typed=name, status=400)
        if isinstance(made, Done):
            return self.guard.refusal(visit, made)
        # Redirected: a reload of the page does not make the group twice.
        return RedirectResponse(f"{GROUPS}?done=created", status_code=303)

    async def invite(self, request: Request, visit: Visit) -> Response:
        form = await self.guard.form(request, visit)
        commune, group = text_field(form, "commune")[:16], text_field(form, "group")
        group_id = number_of(group)
        if group and group_id is None:
            return await self.listing(request, visit, "invalid", status=400)
        made = await self.board.groups.invite(visit.who, commune, group_id)
        if isinstance(made, Done):
            return self.guard.refusal(visit, made)
        return await self.listing(request, visit, "invited", invited=made)

    async def audit(self, _request: Request, visit: Visit) -> Response:
        lines = await self.board.groups.audit(visit.who)
        return self.pages.render(visit.locale, "audit.html", visit=visit, lines=lines)
