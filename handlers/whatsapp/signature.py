"""Twilio's signature on a webhook request, checked with twilio's RequestValidator against the
public URL Twilio was given, never the URL a proxy presents: an unsigned or tampered request is
refused before anything of it is used."""

from __future__ import annotations

import logging
from urllib.parse import parse_qsl

from starlette.datastructures import ImmutableMultiDict
from starlette.requests import Request
from starlette.responses import Response
from twilio.request_validator import (
    SIGNATURE_HEADER,
    SIGNATURE_SETTINGS_HEADER,
    RequestValidator,
    get_signature_algorithm,
)

from handlers.metrics import Metrics, Refusal
from handlers.webhook_request import Malformed, TooLarge, read_body, sole_header
from handlers.whatsapp.capabilities import CHANNEL

log = logging.getLogger(__name__)

# A Twilio form is a few kilobytes; anything far larger is not from Twilio.
MAX_FORM = 64 * 1024


class SignatureCheck:
    """Checks requests signed with one account's auth token."""

    def __init__(
        self, auth_token: str, public_base_url: str, metrics: Metrics | None = None
    ) -> None:
        self.validator = RequestValidator(auth_token)
        self.public_base_url = public_base_url.rstrip("/")
        self.metrics = metrics or Metrics()

    def refuse(self, reason: Refusal, response: Response) -> Response:
        """``response``, the refusal counted."""
        self.metrics.refused(CHANNEL, reason)
        return response

    async def verified(
        self, request: Request, path: str
    ) -> ImmutableMultiDict[str, str] | Response:
        """The form of a request Twilio signed for ``path``, or the response refusing it."""
        try:
            raw = await read_body(request, MAX_FORM)
        except TooLarge:
            return self.refuse(Refusal.TOO_LARGE, Response(status_code=413))
        except Malformed as error:
            return self.refuse(Refusal.MALFORMED, Response(str(error), status_code=400))
        try:
            form = ImmutableMultiDict(parse_qsl(raw.decode(), keep_blank_values=True))
        except (UnicodeDecodeError, ValueError):
            form = None
        # The URL Twilio was told to call, with the query string it was given.
        query = request.url.query
        url = self.public_base_url + path + (f"?{query}" if query else "")
        # One signature exactly: with two, which one a check reads is a matter of luck.
        signature = sole_header(request, SIGNATURE_HEADER)
        settings = request.headers.getlist(SIGNATURE_SETTINGS_HEADER)
        if (
            form is None
            or not signature
            or len(settings) > 1
            or not self.validator.validate(
                url, form, signature, get_signature_algorithm(settings[0] if settings else None)
            )
        ):
            log.warning("refused a request to %s without a valid Twilio signature", path)
            return self.refuse(Refusal.SIGNATURE, Response("invalid signature", status_code=403))
        if len(form) != len(form.multi_items()):
            # Twilio names each field once; a repeated one is read differently by each reader.
            log.warning("refused a signed request to %s repeating a field", path)
            return self.refuse(Refusal.MALFORMED, Response("a field is repeated", status_code=400))
        return form
