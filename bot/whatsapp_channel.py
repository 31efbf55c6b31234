"""WhatsApp through Twilio as a channel of `hayna serve`: the signed webhooks for messages and
status callbacks, and the outbox for pushes.

Every request is checked with twilio's RequestValidator against the public URL Twilio was given,
never the URL a proxy presents; an unsigned or tampered one is refused before anything is stored.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from urllib.parse import parse_qsl

from starlette.datastructures import ImmutableMultiDict
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route
from twilio.request_validator import (
    SIGNATURE_HEADER,
    SIGNATURE_SETTINGS_HEADER,
    RequestValidator,
    get_signature_algorithm,
)

from bot.app import App
from bot.files import Files
from bot.settings import WhatsAppSettings
from conversations.kit import Address, Inbound, Outgoing
from conversations.seams import MediaFetcher, Outbox, Push
from handlers.pacing import Pace
from handlers.webhook_request import Malformed, TooLarge, read_body, sole_header
from handlers.whatsapp import (
    CHANNEL,
    NotAMessage,
    is_message_sid,
    served_type,
    to_inbound,
    to_parts,
    to_twiml,
)
from handlers.whatsapp_fetch import WhatsAppFetcher
from handlers.whatsapp_outbox import UNREACHABLE_CODES, Sender, WhatsAppOutbox
from storage.deliveries import Status

log = logging.getLogger(__name__)

MESSAGES = "/webhooks/whatsapp"
STATUSES = "/webhooks/whatsapp/status"
# Twilio waits 15 s for the answer; past this, the replies follow through the REST API instead.
REPLY_WITHIN = 10.0
# A Twilio form is a few kilobytes; anything far larger is not from Twilio.
MAX_FORM = 64 * 1024
# Twilio's MessageStatus values that a delivery records; others (queued...) change nothing.
_CALLBACKS = frozenset(
    {Status.SENT, Status.DELIVERED, Status.READ, Status.FAILED, Status.UNDELIVERED}
)
XML = "application/xml"
_ERROR_CODE = re.compile(r"[0-9]{1,16}")


class WhatsAppChannel:
    """The `Channel` for a Twilio WhatsApp sender."""

    name = CHANNEL

    def __init__(
        self,
        settings: WhatsAppSettings,
        public_base_url: str,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        reply_within: float = REPLY_WITHIN,
    ) -> None:
        self.public_base_url = public_base_url.rstrip("/")
        # Where the account's media are: a MediaUrl elsewhere is no resident's file.
        self.media_base = settings.api_base_url
        self.validator = RequestValidator(settings.auth_token)
        self.clock = clock
        self.reply_within = reply_within
        sender = Sender(
            settings.account_sid,
            settings.auth_token,
            settings.sender,
            settings.api_base_url,
            self.public_base_url + STATUSES,
            settings.templates,
        )
        self.pushes = WhatsAppOutbox(sender, Pace(settings.rate), clock=clock)
        self.outbox: Outbox = self.pushes
        self.media = WhatsAppFetcher(
            settings.account_sid, settings.auth_token, settings.api_base_url
        )
        self.fetcher: MediaFetcher = self.media
        self._late: set[asyncio.Task[None]] = set()
        # Where files sent with replies are served for Twilio to fetch; set with the routes.
        self.files: Files | None = None

    def routes(self, app: App) -> Sequence[BaseRoute]:
        self.files = Files(app.db, self.public_base_url, self.clock, served_type)

        async def messages(request: Request) -> Response:
            form = await self._verified(request, MESSAGES)
            if isinstance(form, Response):
                return form
            try:
                inbound = to_inbound(form, self.media_base)
            except NotAMessage as error:
                log.warning("refused a signed form: %s", error)
                return Response(str(error), status_code=400)
            replies = await self._answer(app, inbound)
            media = await self._publish(inbound.address, replies)
            return Response(to_twiml(replies, media), media_type=XML)

        async def statuses(request: Request) -> Response:
            form = await self._verified(request, STATUSES)
            if isinstance(form, Response):
                return form
            ref, reported = form.get("MessageSid", ""), form.get("MessageStatus", "")
            code = form.get("ErrorCode", "").strip() or None
            # Twilio's error codes are five digits; delivery.error_code keeps up to 16.
            if not is_message_sid(ref) or not (code is None or _ERROR_CODE.fullmatch(code)):
                log.warning("refused a signed status callback without Twilio's fields")
                return Response("not a status callback", status_code=400)
            if reported in _CALLBACKS:
                gone = code is not None and int(code) in UNREACHABLE_CODES
                moved = await app.dispatcher.queue.status_callback(
                    ref, Status(reported), code, self.clock(), unreachable=gone
                )
                if not moved:
                    log.info("status %s of %s changed no delivery", reported, ref)
            return Response(status_code=204)

        return [
            Route(MESSAGES, messages, methods=["POST"]),
            Route(STATUSES, statuses, methods=["POST"]),
            *self.files.routes(),
        ]

    async def start(self) -> None:
        log.info(
            "WhatsApp webhooks to set in Twilio: %s (messages), %s (status callbacks)",
            self.public_base_url + MESSAGES,
            self.public_base_url + STATUSES,
        )

    async def stop(self) -> None:
        # Replies still being worked out are sent before the client closes.
        await asyncio.gather(*self._late, return_exceptions=True)
        await self.pushes.close()
        await self.media.close()

    async def _verified(
        self, request: Request, path: str
    ) -> ImmutableMultiDict[str, str] | Response:
        """The form of a request Twilio signed for ``path``, or the response refusing it."""
        try:
            raw = await read_body(request, MAX_FORM)
        except TooLarge:
            return Response(status_code=413)
        except Malformed as error:
            return Response(str(error), status_code=400)
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
            return Response("invalid signature", status_code=403)
        if len(form) != len(form.multi_items()):
            # Twilio names each field once; a repeated one is read differently by each reader.
            log.warning("refused a signed request to %s repeating a field", path)
            return Response("a field is repeated", status_code=400)
        return form

    async def _answer(self, app: App, inbound: Inbound) -> list[Outgoing]:
        """The engine's replies, if they come in time; else they follow through the REST API."""
        work = asyncio.ensure_future(app.engine.handle(inbound))
        try:
            return await asyncio.wait_for(asyncio.shield(work), self.reply_within)
        except TimeoutError:
            log.warning("message %s is slow; its replies will follow", inbound.message_id)
            self._follow(work, inbound)
            return []
        except asyncio.CancelledError:
            # The request went away (Twilio hung up): the message is still answered.
            self._follow(work, inbound)
            raise

    def _follow(self, work: asyncio.Future[list[Outgoing]], inbound: Inbound) -> None:
        late = asyncio.ensure_future(self._send_late(work, inbound))
        self._late.add(late)
        late.add_done_callback(self._late.discard)

    async def _send_late(self, work: asyncio.Future[list[Outgoing]], inbound: Inbound) -> None:
        try:
            replies = await work
            if not replies:
                return
            # The resident has just written: free text is allowed.
            now, locale = self.clock(), replies[-1].locale
            for part in to_parts(replies):
                await self.outbox.send(Push(inbound.address, Outgoing(part, locale=locale), now))
            for url in await self._publish(inbound.address, replies):
                await self.pushes.send_file(inbound.address, url)
        except Exception:
            log.exception("a late reply to %s could not be sent", inbound.message_id)

    async def _publish(self, address: Address, replies: Sequence[Outgoing]) -> list[str]:
        return [] if self.files is None else await self.files.publish_all(address, replies)
