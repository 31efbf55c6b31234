"""Voice prompts at ``GET /prompts/{token}/{name}`` for the platforms that fetch audio by link
(Twilio): the token is the recording's id signed with HAYNA_SECRET_KEY, so one stored recording
has one link for every resident, a new recording a new link, and a guess a plain 404."""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Sequence
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from storage import prompts
from storage.database import Database

PATH = "/prompts"
_SIGNATURE = 32
_TOKEN = re.compile(rf"[0-9]{{1,18}}-[0-9a-f]{{{_SIGNATURE}}}")


class PromptLinks:
    """Signs, resolves and serves the links of recorded prompts."""

    def __init__(self, db: Database, secret_key: str, public_base_url: str | None) -> None:
        self.db = db
        # A key of its own: a prompt's link says nothing of a photo's, nor of the CINs' key.
        self.key = hmac.new(secret_key.encode(), b"hayna prompt links", hashlib.sha256).digest()
        self.public_base_url = (public_base_url or "").rstrip("/")

    def token(self, prompt_id: int) -> str:
        mac = hmac.new(self.key, str(prompt_id).encode(), hashlib.sha256).hexdigest()
        return f"{prompt_id}-{mac[:_SIGNATURE]}"

    def prompt_id(self, token: str) -> int | None:
        if not _TOKEN.fullmatch(token):
            return None
        prompt_id = int(token.partition("-")[0])
        ours = self.token(prompt_id).encode()
        return prompt_id if hmac.compare_digest(token.encode(), ours) else None

    def url(self, prompt_id: int, filename: str) -> str:
        """The public link of a recording; empty when no PUBLIC_BASE_URL is set."""
        if not self.public_base_url:
            return ""
        return f"{self.public_base_url}{PATH}/{self.token(prompt_id)}/{quote(filename)}"

    def routes(self) -> Sequence[BaseRoute]:
        async def serve(request: Request) -> Response:
            prompt_id = self.prompt_id(request.path_params["token"])
            found = await prompts.recording_of(self.db, prompt_id) if prompt_id else None
            if found is None:
                return Response(status_code=404)
            content_type, data = found
            headers = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
            return Response(data, media_type=content_type, headers=headers)

        return [Route(PATH + "/{token}/{name}", serve, methods=["GET"])]
