"""Signing in by a one-time link, choosing the page language, signing out.

Opening a link shows a button; only pressing it uses the link up. Chat apps and mail scanners
open links to preview them: a link used by a GET would be spent before its organizer saw it.
"""

from __future__ import annotations

import hmac
import re
import secrets

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from conversations.board import Board
from conversations.desk import SIGN_IN_PATH, LinkWhy
from conversations.language import DEFAULT, SUPPORTED
from handlers.web.session import (
    PREFIX,
    FormRefused,
    Visit,
    checked_form,
    close_session,
    open_session,
    signed_out,
    visit,
)
from handlers.web.templating import Pages

SIGN_IN = SIGN_IN_PATH
PRESSED = "hayna_sign_in"


# Only back to a page of the dashboard: never a redirect to another site.
# A query may say what was just done ("?done=moved:2"): a colon there names no scheme.
_OWN_PAGE = re.compile(r"/dashboard(/[\w\-/.]*)?(\?[\w\-=&%.+:]*)?")


def _within(back: object) -> str:
    if isinstance(back, str) and _OWN_PAGE.fullmatch(back) and "//" not in back:
        return back
    return PREFIX


def _language(request: Request) -> str:
    asked = request.query_params.get("l", "")
    return asked if asked in SUPPORTED else DEFAULT


async def _pressed(request: Request) -> bool:
    """Whether the sign-in button was pressed on the page this browser was shown."""
    expected = request.cookies.get(PRESSED, "")
    form = await request.form(max_files=0, max_fields=4, max_part_size=1024)
    given = form.get("pressed")
    return bool(expected) and isinstance(given, str) and hmac.compare_digest(given, expected)


class SignInPages:
    """The link's page and button, the signed-out page, the language and sign-out forms."""

    def __init__(self, board: Board, pages: Pages) -> None:
        self.board = board
        self.pages = pages

    def routes(self) -> list[BaseRoute]:
        return [
            Route(SIGN_IN + "{token}", self.link, methods=["GET", "POST"]),
            Route(f"{PREFIX}/signed-out", self.gone, methods=["GET"]),
            Route(f"{PREFIX}/sign-out", self.sign_out, methods=["POST"]),
            Route(f"{PREFIX}/language", self.language, methods=["POST"]),
        ]

    async def link(self, request: Request) -> Response:
        token = request.path_params["token"]
        locale = _language(request)
        if request.method == "GET":
            # The form's own token, matched by a cookie: another site cannot press the button
            # for someone and sign them in as somebody else.
            pressed = secrets.token_urlsafe(16)
            page = self.pages.render(locale, "sign_in.html", token=token, why="", pressed=pressed)
            page.set_cookie(PRESSED, pressed, max_age=900, path=SIGN_IN, secure=True,
                            httponly=True, samesite="strict")  # fmt: skip
            return page
        if not await _pressed(request):
            return self.pages.render(locale, "sign_in.html", token=token, why="", status=403,
                                     pressed="", again=True)  # fmt: skip
        opened = await self.board.sign_in.redeem(token) if len(token) <= 128 else LinkWhy.UNKNOWN
        if isinstance(opened, LinkWhy):
            return self.pages.render(locale, "sign_in.html", token="", why=opened, status=410)
        response = RedirectResponse(PREFIX, status_code=303)
        open_session(response, opened.session)
        response.delete_cookie(PRESSED, path=SIGN_IN, secure=True, httponly=True)
        return response

    async def gone(self, request: Request) -> Response:
        return self.pages.render(_language(request), "signed_out.html")

    async def _form(self, request: Request) -> tuple[Visit, FormData] | Response:
        current = await visit(request, self.board.sign_in)
        if current is None:
            return signed_out(request)
        try:
            return current, await checked_form(request, current)
        except FormRefused:
            return self.pages.render(current.locale, "refused.html", status=403, visit=current)

    async def sign_out(self, request: Request) -> Response:
        checked = await self._form(request)
        if isinstance(checked, Response):
            return checked
        current, _ = checked
        await self.board.sign_in.sign_out(current.session)
        response = RedirectResponse(f"{PREFIX}/signed-out?l={current.locale}", status_code=303)
        close_session(response)
        return response

    async def language(self, request: Request) -> Response:
        checked = await self._form(request)
        if isinstance(checked, Response):
            return checked
        current, form = checked
        chosen = form.get("language")
        if isinstance(chosen, str) and chosen in SUPPORTED:
            await self.board.sign_in.choose_language(current.session, chosen)
        return RedirectResponse(_within(form.get("back")), status_code=303)
