"""Fetching a file a resident sent on WhatsApp: the MediaUrl Twilio gave, with the account's
Basic auth (Twilio redirects to the file's storage), read no further than the limit.

Only URLs of the configured Twilio API get the credentials: a reference is never a way to send
them anywhere else.
"""

from __future__ import annotations

import httpx

from conversations.seams import TransientFailure
from handlers.whatsapp import CHANNEL

TIMEOUT = httpx.Timeout(20.0)


class WhatsAppFetcher:
    """The WhatsApp `MediaFetcher`."""

    channel = CHANNEL

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        api_base_url: str,
        client: httpx.AsyncClient | None = None,
    ) -> None:
        self.auth = (account_sid, auth_token)
        self.api = api_base_url.rstrip("/") + "/"
        self.client = client or httpx.AsyncClient(timeout=TIMEOUT)

    async def fetch(self, ref: str, limit: int) -> bytes:
        if not ref.startswith(self.api):
            raise ValueError("not a media URL of the configured Twilio API")
        try:
            async with self.client.stream(
                "GET", ref, auth=self.auth, follow_redirects=True
            ) as response:
                if response.status_code == 429 or response.status_code >= 500:
                    raise TransientFailure(f"Twilio answered {response.status_code}")
                if not response.is_success:
                    raise ValueError(f"Twilio answered {response.status_code}")
                data = bytearray()
                async for chunk in response.aiter_bytes():
                    data += chunk
                    if len(data) > limit:
                        raise ValueError(f"the file has more than {limit} bytes")
        except httpx.HTTPError as error:
            raise TransientFailure(f"Twilio unreachable: {type(error).__name__}") from error
        return bytes(data)

    async def close(self) -> None:
        await self.client.aclose()
