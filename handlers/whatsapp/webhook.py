"""Twilio's webhooks for WhatsApp: ``POST /webhooks/whatsapp`` for messages, answered with TwiML,
and ``POST /webhooks/whatsapp/status`` for what became of the messages Hayna sent. Each request
is checked against Twilio's signature first."""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from conversations.seams import Backend, Reported
from handlers.metrics import Refusal
from handlers.whatsapp.messages import NotAMessage, is_message_sid, to_inbound, to_twiml
from handlers.whatsapp.outbox import UNREACHABLE_CODES

if TYPE_CHECKING:
    from handlers.whatsapp.channel import WhatsAppChannel

log = logging.getLogger(__name__)

MESSAGES = "/webhooks/whatsapp"
STATUSES = "/webhooks/whatsapp/status"
XML = "application/xml"
# Twilio's MessageStatus values that a delivery records; others (queued...) change nothing.
_CALLBACKS = frozenset(status.value for status in Reported)
_ERROR_CODE = re.compile(r"[0-9]{1,16}")


def webhook_routes(channel: WhatsAppChannel, backend: Backend) -> list[Route]:
    signature = channel.signature

    async def messages(request: Request) -> Response:
        form = await signature.verified(request, MESSAGES)
        if isinstance(form, Response):
            return form
        try:
            inbound = to_inbound(form, channel.media_base)
        except NotAMessage as error:
            log.warning("refused a signed form: %s", error)
            return signature.refuse(Refusal.MALFORMED, Response(str(error), status_code=400))
        replies = await channel.answer(backend.answerer, inbound)
        media = await channel.publish(inbound.address, replies)
        return Response(to_twiml(replies, media), media_type=XML)

    async def statuses(request: Request) -> Response:
        form = await signature.verified(request, STATUSES)
        if isinstance(form, Response):
            return form
        ref, reported = form.get("MessageSid", ""), form.get("MessageStatus", "")
        code = form.get("ErrorCode", "").strip() or None
        # Twilio's error codes are five digits; delivery.error_code keeps up to 16.
        if not is_message_sid(ref) or not (code is None or _ERROR_CODE.fullmatch(code)):
            log.warning("refused a signed status callback without Twilio's fields")
            refusal = Response("not a status callback", status_code=400)
            return signature.refuse(Refusal.MALFORMED, refusal)
        if reported in _CALLBACKS:
            gone = code is not None and int(code) in UNREACHABLE_CODES
            moved = await backend.statuses.reported(
                ref, Reported(reported), code, channel.clock(), unreachable=gone
            )
            if not moved:
                log.info("status %s of %s changed no delivery", reported, ref)
        return Response(status_code=204)

    return [
        Route(MESSAGES, messages, methods=["POST"]),
        Route(STATUSES, statuses, methods=["POST"]),
    ]
