"""Fetching a file a resident sent on WhatsApp: the MediaUrl Twilio gave, with the account's
Basic auth (Twilio redirects to the file's storage), read no further than the limit.

Only URLs of the configured Twilio API get the credentials: a reference is never a way to send
them anywhere else (the redirect to the storage goes without them: httpx drops the credentials
when a redirect leaves the origin).
"""

from __future__ import annotations

import httpx

from conversations.seams import FileTooLarge, TransientFailure
from handlers.whatsapp.capabilities import CHANNEL
from handlers.whatsapp.messages import is_platform_media

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
        self.api = api_base_url
        self.origin = _origin(httpx.URL(api_base_url))
        self.client = client or httpx.AsyncClient(timeout=TIMEOUT)

    async def fetch(self, ref: str, limit: int) -> bytes:
        # Read as the adapter reads it, and again as httpx will: both must see the API's host.
        if not is_platform_media(ref, self.api) or _origin(_url(ref)) != self.origin:
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
                        raise FileTooLarge(f"the file has more than {limit} bytes")
        except httpx.HTTPError as error:
            raise TransientFailure(f"Twilio unreachable: {type(error).__name__}") from error
        return bytes(data)

    async def close(self) -> None:
        await self.client.aclose()


def _url(ref: str) -> httpx.URL | None:
    try:
        return httpx.URL(ref)
    except httpx.InvalidURL:
        return None


def _origin(url: httpx.URL | None) -> tuple[str, str, int | None] | None:
    return None if url is None else (url.scheme, url.host, url.port)
