"""The dashboard's session cookie and form tokens.

The cookie holds a random value whose hash storage keeps (storage/sign_in.py): HttpOnly so no
script reads it, Secure so it never travels in clear (browsers allow it on http://127.0.0.1
and localhost for a local trial), SameSite=Lax so another site's form cannot post with it, and
a form token (CSRF) on every form besides, compared in constant time.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from conversations.desk import Signed, SignIn
from conversations.language import DEFAULT, SUPPORTED

COOKIE = "hayna_session"
PREFIX = "/dashboard"
# The browser keeps the cookie a week; storage ends the session after 12 hours idle anyway.
COOKIE_SECONDS = 7 * 24 * 3600
# What a form may send: an update in four languages is the largest, a few kilobytes.
FORM_BYTES = 64 * 1024


@dataclass(frozen=True, slots=True)
class Visit:
    """A signed-in organizer's request: who, the cookie's value, and their page language."""

    who: Signed
    session: str
    # The page asked for, path and query: where the language switch comes back to.
    here: str = PREFIX

    @property
    def locale(self) -> str:
        return self.who.language if self.who.language in SUPPORTED else DEFAULT


def open_session(response: Response, session: str) -> None:
    response.set_cookie(
        COOKIE,
        session,
        max_age=COOKIE_SECONDS,
        path=PREFIX,
        secure=True,
        httponly=True,
        samesite="lax",
    )


def close_session(response: Response) -> None:
    response.delete_cookie(COOKIE, path=PREFIX, secure=True, httponly=True, samesite="lax")


async def visit(request: Request, sign_in: SignIn) -> Visit | None:
    session = request.cookies.get(COOKIE, "")
    # A cookie is a token of 43 characters; anything far longer is not one of ours.
    if not session or len(session) > 128:
        return None
    who = await sign_in.current(session)
    if who is None:
        return None
    query = f"?{request.url.query}" if request.url.query else ""
    return Visit(who, session, request.url.path + query)


def signed_out(request: Request) -> RedirectResponse:
    """Back to the page that says how to get a link; the cookie, if any, is dropped."""
    response = RedirectResponse(f"{PREFIX}/signed-out", status_code=303)
    if COOKIE in request.cookies:
        close_session(response)
    return response


class FormRefused(Exception):
    """A form without the session's token, or too large: nothing is done."""


async def checked_form(
    request: Request, visit: Visit, fields: int = 64, size: int = FORM_BYTES
) -> FormData:
    """The posted form, once its token is the session's; one of more than ``fields`` fields
    or ``size`` bytes is refused."""
    length = request.headers.get("content-length", "")
    if length and (not length.isdigit() or int(length) > size):
        raise FormRefused("too large")
    form = await request.form(max_files=0, max_fields=fields, max_part_size=size)
    given = form.get("csrf")
    expected = visit.who.csrf.encode()
    if not isinstance(given, str) or not hmac.compare_digest(given.encode(), expected):
        raise FormRefused("csrf")
    return form


def text_field(form: FormData, name: str) -> str:
    """A text field, trimmed (storage checks its length, and says so)."""
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""
