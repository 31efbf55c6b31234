"""What every page of the dashboard checks first: a session still open, and on a form its
token; and the pages that say no (403 outside the organizer's scope, 404 for what is not there).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from conversations.desk import Done, SignIn
from handlers.web.session import FORM_BYTES, FormRefused, Visit, checked_form, signed_out, visit
from handlers.web.templating import Pages

Page = Callable[[Request, Visit], Awaitable[Response]]


class Guard:
    def __init__(self, sign_in: SignIn, pages: Pages) -> None:
        self.sign_in = sign_in
        self.pages = pages

    def page(self, handler: Page) -> Callable[[Request], Awaitable[Response]]:
        """``handler`` for signed-in organizers only; a refused form changes nothing."""

        async def guarded(request: Request) -> Response:
            current = await visit(request, self.sign_in)
            if current is None:
                return signed_out(request)
            try:
                return await handler(request, current)
            except FormRefused:
                return self.pages.render(current.locale, "refused.html", status=403, visit=current)

        return guarded

    async def form(
        self, request: Request, current: Visit, fields: int = 64, size: int = FORM_BYTES
    ) -> FormData:
        return await checked_form(request, current, fields, size)

    def refusal(self, current: Visit, done: Done) -> Response:
        if done is Done.MISSING:
            return self.pages.render(current.locale, "missing.html", status=404, visit=current)
        return self.pages.render(current.locale, "outside.html", status=403, visit=current)
