"""Photos of organizers' updates for the dispatcher, and ``GET /media/{token}`` for platforms
that fetch media by URL (Twilio): the token is the photo's id signed with HAYNA_SECRET_KEY, so a
link needs no row per recipient and cannot be guessed; anything else is a plain 404."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Collection, Sequence

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from conversations.kit import Attachment
from storage import media
from storage.database import Database

PATH = "/media"
_SIGNATURE = 32


class MediaLinks:
    """Signs, resolves and serves the links of stored photos."""

    def __init__(self, db: Database, secret_key: str, public_base_url: str | None) -> None:
        self.db = db
        # A key of its own, so a media link says nothing of the key that seals CINs.
        self.key = hmac.new(secret_key.encode(), b"hayna media links", hashlib.sha256).digest()
        self.public_base_url = (public_base_url or "").rstrip("/")

    def token(self, media_id: int) -> str:
        mac = hmac.new(self.key, str(media_id).encode(), hashlib.sha256).hexdigest()
        return f"{media_id}-{mac[:_SIGNATURE]}"

    def media_id(self, token: str) -> int | None:
        """The photo a token names, when its signature is ours."""
        number, _, _mac = token.partition("-")
        if not number.isascii() or not number.isdigit() or len(number) > 18:
            return None
        media_id = int(number)
        return media_id if hmac.compare_digest(token, self.token(media_id)) else None

    def url(self, media_id: int) -> str:
        """The public link of a photo; empty when no PUBLIC_BASE_URL is set."""
        if not self.public_base_url:
            return ""
        return f"{self.public_base_url}{PATH}/{self.token(media_id)}"

    async def photos(self, ids: Collection[int]) -> dict[int, Attachment]:
        """The photos with these ids, as attachments carrying their public link."""
        found = await media.load(self.db, ids)
        return {
            i: Attachment(m.filename, m.content_type, m.data, self.url(i)) for i, m in found.items()
        }

    def routes(self) -> Sequence[BaseRoute]:
        async def serve(request: Request) -> Response:
            media_id = self.media_id(request.path_params["token"])
            found = await media.load(self.db, [media_id]) if media_id is not None else {}
            if media_id is None or media_id not in found:
                return Response(status_code=404)
            photo = found[media_id]
            headers = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
            return Response(photo.data, media_type=photo.content_type, headers=headers)

        return [Route(PATH + "/{token}", serve, methods=["GET"])]
