"""Files sent with replies, at a public URL for the platforms that attach only what they can fetch
(WhatsApp through Twilio): ``GET /files/{token}/{name}`` serves one until it expires; nothing
is ever listed, and an unknown, expired or misnamed link is a plain 404."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from conversations.kit import Address, Attachment
from storage.database import Database
from storage.downloads import fetch, offer

log = logging.getLogger(__name__)

PATH = "/files"
# secrets.token_urlsafe(32) gives 43 characters; anything much longer is not ours.
MAX_TOKEN = 64


class Files:
    """Publishes attachments behind secret links and serves them."""

    def __init__(
        self,
        db: Database,
        public_base_url: str,
        clock: Callable[[], datetime],
    ) -> None:
        self.db = db
        self.public_base_url = public_base_url.rstrip("/")
        self.clock = clock

    async def publish(self, address: Address, attachment: Attachment) -> str | None:
        """The public URL of ``attachment`` for the resident at ``address``, valid for a few
        minutes; None when that resident is not stored. The channel gives the content type the
        platform needs the file served with."""
        token = await offer(self.db, address, attachment, self.clock())
        if token is None:
            return None
        # The name ends the URL: the platform shows it as the document's name.
        return f"{self.public_base_url}{PATH}/{token}/{quote(attachment.filename)}"

    def routes(self) -> Sequence[BaseRoute]:
        async def serve(request: Request) -> Response:
            token, name = request.path_params["token"], request.path_params["name"]
            found = await fetch(self.db, token, self.clock()) if len(token) <= MAX_TOKEN else None
            if found is None or found.filename != name:
                return Response(status_code=404)
            headers = {
                "Content-Disposition": f"attachment; filename*=UTF-8''{quote(found.filename)}",
                # Personal data: no cache on the way keeps a copy.
                "Cache-Control": "no-store",
                "X-Content-Type-Options": "nosniff",
            }
            return Response(found.data, media_type=found.content_type, headers=headers)

        return [Route(PATH + "/{token}/{name}", serve, methods=["GET"])]
