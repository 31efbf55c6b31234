"""A resident's photo or voice note as the dashboard serves it to a signed-in organizer: as the
type it was stored with (a voice note's, by its first bytes), never as a page of the site, kept
by no shared cache. The pages' `default-src 'self'` lets an ``<audio>`` play it."""

from __future__ import annotations

from starlette.responses import Response


def served(data: bytes, content_type: str) -> Response:
    return Response(
        data,
        media_type=content_type or "application/octet-stream",
        headers={"Cache-Control": "private, max-age=3600", "Content-Disposition": "inline"},
    )
